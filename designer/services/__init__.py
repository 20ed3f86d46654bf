from designer.services.changes import DesignConflict, design_change, design_version

__all__ = ["DesignConflict", "design_change", "design_version"]
