from service.selectors.complaints import complaints_of_order, complaints_about

__all__ = ["complaints_about", "complaints_of_order"]
