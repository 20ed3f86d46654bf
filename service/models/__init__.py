from service.models.complaints import Complaint

__all__ = ["Complaint"]
