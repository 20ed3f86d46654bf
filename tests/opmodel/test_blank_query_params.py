"""One refusal of a query parameter sent empty (opmodel.api.refuse_blank), used by the card list
and the flow endpoints alike: a 400 naming each parameter, with the same words."""

import pytest

from opmodel.api import BLANK_REFUSED, refuse_blank
from opmodel.errors import InvalidInput
from tests.processes.test_api import api_as

BLANK = "This field may not be blank: give a value or leave the parameter out."


def test_refuse_blank_names_each_blank_parameter_of_those_asked():
    refuse_blank({"q": "", "channel": "email"}, ["channel"])  # q is not asked about
    with pytest.raises(InvalidInput) as refused:
        refuse_blank({"to": " ", "from": "", "seed": "3"})
    assert refused.value.errors == {"from": [BLANK], "to": [BLANK]}
    assert BLANK_REFUSED == BLANK


@pytest.mark.parametrize(
    "url, param",
    [
        ("/api/cards/", "channel"),
        ("/api/cards/", "client"),
        ("/api/processes/order-to-cash/map/", "to"),
        ("/api/processes/order-to-cash/sle/", "window_days"),
    ],
)
def test_cards_and_flow_refuse_an_empty_parameter_alike(alice, url, param):
    answer = api_as(alice).get(f"{url}?{param}=")
    assert answer.status_code == 400
    assert answer.json() == {param: [BLANK]}


def test_the_card_list_still_takes_an_empty_search(alice):
    assert api_as(alice).get("/api/cards/?q=").status_code == 200
