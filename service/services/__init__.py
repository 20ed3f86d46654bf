from service.services.complaints import complaint_change, complaint_create, complaint_process

__all__ = ["complaint_change", "complaint_create", "complaint_process"]
