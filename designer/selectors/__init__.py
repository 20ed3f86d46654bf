from designer.selectors.access import may_design, process_to_design

__all__ = ["may_design", "process_to_design"]
