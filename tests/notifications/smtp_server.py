"""A mail server on 127.0.0.1 for the tests: it hangs (accepts and never says a word, so a
client waits for the greeting until its timeout) until told to answer, then speaks just enough
SMTP to take messages."""

import socket
import threading


class HangingMailServer:
    def __init__(self):
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.answering = threading.Event()
        self.hung = 0  # connections accepted while hanging
        self.messages: list[str] = []
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in self._held:
            conn.close()
        self._socket.close()

    def answer(self) -> None:
        self.answering.set()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            if not self.answering.is_set():
                self.hung += 1
                self._held.append(conn)  # open, silent: the client's timeout ends it
                continue
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        def say(line: str) -> None:
            conn.sendall(line.encode() + b"\r\n")

        with conn, conn.makefile("rb") as lines:
            say("220 test ESMTP")
            data: list[str] | None = None
            for raw in lines:
                line = raw.decode(errors="replace").rstrip("\r\n")
                if data is not None:
                    if line == ".":
                        self.messages.append("\n".join(data))
                        data = None
                        say("250 OK queued")
                    else:
                        data.append(line[1:] if line.startswith("..") else line)
                    continue
                verb = line[:4].upper()
                if verb in ("EHLO", "HELO"):
                    say("250 test")
                elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                    say("250 OK")
                elif verb == "DATA":
                    data = []
                    say("354 End data with <CR><LF>.<CR><LF>")
                elif verb == "QUIT":
                    say("221 Bye")
                    return
                else:
                    say("502 Not implemented")
