from service.services.complaints import complaint_create, complaint_process

__all__ = ["complaint_create", "complaint_process"]
