from django.http import Http404

from processes.selectors import process_from_query, processes_visible_to


def pick_process(request):
    processes = list(processes_visible_to(request.user).order_by("name"))
    process, errors = process_from_query(request.GET, processes=processes)
    if errors or process is None:
        raise Http404("No such process among yours.")
    return process, processes
