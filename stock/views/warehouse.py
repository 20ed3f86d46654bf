"""The warehouse's pages: stock per product, a product's ledger, the receipt form."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from opmodel.errors import DomainError, InvalidInput
from stock.forms import MovementForm
from stock.models import Product, Warehouse
from stock.selectors import product_ledger, stock_rows
from stock.services.movements import may_move_stock, stock_move

LEDGER_ROWS = 200


def _warehouse_only(request):
    # Outsiders learn nothing, not even that the page exists.
    if not may_move_stock(request.user):
        raise Http404("No such page.")


@require_safe
def stock_list(request):
    _warehouse_only(request)
    rows = stock_rows(sku=request.GET.get("sku", "")[:64])
    return render(request, "stock/stock_list.html", {"rows": rows, "nav": "stock"})


@require_safe
def product_detail(request, sku: str):
    _warehouse_only(request)
    product = get_object_or_404(Product, sku=sku)
    context = {
        "product": product,
        "rows": stock_rows(sku=product.sku),
        "ledger": product_ledger(product)[:LEDGER_ROWS],
        "nav": "stock",
        "now": timezone.now(),
    }
    return render(request, "stock/product_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def movement_new(request):
    _warehouse_only(request)
    first = Warehouse.objects.order_by("id").first()
    form = MovementForm(
        request.POST or None,
        initial={"warehouse": first.code if first else "", "sku": request.GET.get("sku", "")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                movement = stock_move(actor=request.user, now=timezone.now(), **form.cleaned_data)
            except InvalidInput as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, f"{movement.get_kind_display()} of {form.cleaned_data['sku']} saved."
                )
                return redirect(reverse("stock-product", args=[form.cleaned_data["sku"]]))
        status = 400
    return render(
        request,
        "stock/movement_form.html",
        {"form": form, "products": Product.objects.only("sku", "name"), "nav": "stock"},
        status=status,
    )
