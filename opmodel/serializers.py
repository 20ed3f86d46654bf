"""API shapes every app shares (the project's, so any app may import them)."""

import copy

from rest_framework import serializers


class DetailSerializer(serializers.Serializer):
    """The body of 403, 404 and 409 answers."""

    detail = serializers.CharField()


class StrictCharField(serializers.CharField):
    """Text input: a JSON number or boolean is refused as the schema says (string), not turned
    into text as DRF's CharField does (schemathesis's negative data check, issue 15)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDecimalField(serializers.DecimalField):
    """A decimal given as text, as the schema says ("12.500"): a JSON number is refused rather
    than taken, so the schema and the API agree (schemathesis's negative data check)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false, as the schema says: "0", "yes" or 1 are refused, not read as one."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record's id, as the schema says (an integer, or null where allowed): an empty
    string or a boolean is refused, not read as null or as 0/1 as DRF does (schemathesis's
    negative data check: `"account_manager": ""` was taken as "none"); so is a number with a
    fraction (DRF read 1.5 as record 1) or no number at all (infinity, NaN: DRF let the
    OverflowError through, a 500). An id larger than any the database holds does not exist
    (Django's look-up answers it with no row, on PostgreSQL and SQLite alike)."""

    def to_internal_value(self, data):
        fraction = isinstance(data, float) and not data.is_integer()
        if data == "" or isinstance(data, bool) or fraction:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)

    def run_validation(self, data=serializers.empty):
        # DRF's RelatedField turns "" into None before anything else looks at it.
        if data == "":
            self.fail("incorrect_type", data_type="str")
        return super().run_validation(data)


class FieldsBuiltOnce:
    """A ModelSerializer mixin: the fields are built from the model once per class and copied
    for each instance (DRF introspects the model for every instance, which is most of the cost
    of answering with one card). Only for serializers whose fields do not depend on the
    instance or the context.

    Each plain field is a shallow copy of the one built (DRF's deep copy runs its constructor
    again, half the cost of an answer with one card): the field built is never bound, a copy
    is bound on its own (its name, parent and source), and what the copies share (validators,
    error messages) nothing changes while answering. A nested serializer, which holds its
    child, is deep-copied."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built")
        if built is None:
            built = super().get_fields()
            cls._fields_built = built
        return {
            name: copy.deepcopy(f) if isinstance(f, serializers.BaseSerializer) else copy.copy(f)
            for name, f in built.items()
        }
