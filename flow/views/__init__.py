"""The flow pages (`pages`): a process's flow (SLE, aging, forecasts, backtest) and its map."""

from flow.views.pages import process_flow, process_map_cards, process_map_page

__all__ = ["process_flow", "process_map_cards", "process_map_page"]
