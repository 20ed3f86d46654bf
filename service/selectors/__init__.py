from service.selectors.complaints import complaints_about, complaints_of_order

__all__ = ["complaints_about", "complaints_of_order"]
