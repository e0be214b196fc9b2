"""The fast check of schema 'domain': made by scripts/generate_fast_checks.py, do not edit."""
SCHEMA_SHA256 = "85b7fe9ba24768424b730174ca50ae2a167a26f3c06a032f078f8dc327cbd9d7"
VERSION = "2.22.3"
from decimal import Decimal
import re
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


REGEX_PATTERNS = {
    '^[a-z0-9]+(-[a-z0-9]+)*$': re.compile('^[a-z0-9]+(-[a-z0-9]+)*\\Z'),
    '^x-': re.compile('^x-'),
    '^https?://\\S+$': re.compile('^https?://\\S+\\Z')
}

NoneType = type(None)

def validate_https___skillwiki_dev_schemas_1_domain_schema_json(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['schema', 'name', 'version', 'description', 'requires-sdk', 'tags', 'axes']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "schema" in data_keys:
            data_keys.remove("schema")
            data__schema = data["schema"]
            if not isinstance(data__schema, (int)) and not (isinstance(data__schema, float) and data__schema.is_integer()) or isinstance(data__schema, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".schema must be integer")
            if isinstance(data__schema, (int, float, Decimal)) and not isinstance(data__schema, bool):
                if data__schema < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".schema must be bigger than or equal to 1")
        if "name" in data_keys:
            data_keys.remove("name")
            data__name = data["name"]
            if not isinstance(data__name, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".name must be string")
            if isinstance(data__name, str):
                data__name_len = len(data__name)
                if data__name_len < 2:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".name must be longer than or equal to 2 characters")
                if data__name_len > 64:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".name must be shorter than or equal to 64 characters")
                if not REGEX_PATTERNS['^[a-z0-9]+(-[a-z0-9]+)*$'].search(data__name):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".name must match pattern ^[a-z0-9]+(-[a-z0-9]+)*$")
        if "version" in data_keys:
            data_keys.remove("version")
            data__version = data["version"]
            if not isinstance(data__version, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".version must be string")
            if isinstance(data__version, str):
                data__version_len = len(data__version)
                if data__version_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".version must be longer than or equal to 1 characters")
        if "title" in data_keys:
            data_keys.remove("title")
            data__title = data["title"]
            if not isinstance(data__title, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".title must be string")
            if isinstance(data__title, str):
                data__title_len = len(data__title)
                if data__title_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".title must be longer than or equal to 1 characters")
                if data__title_len > 120:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".title must be shorter than or equal to 120 characters")
        if "description" in data_keys:
            data_keys.remove("description")
            data__description = data["description"]
            if not isinstance(data__description, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".description must be string")
            if isinstance(data__description, str):
                data__description_len = len(data__description)
                if data__description_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".description must be longer than or equal to 1 characters")
                if data__description_len > 1000:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".description must be shorter than or equal to 1000 characters")
        if "requires-sdk" in data_keys:
            data_keys.remove("requires-sdk")
            data__requiressdk = data["requires-sdk"]
            if not isinstance(data__requiressdk, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".requires-sdk must be string")
            if isinstance(data__requiressdk, str):
                data__requiressdk_len = len(data__requiressdk)
                if data__requiressdk_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".requires-sdk must be longer than or equal to 1 characters")
        if "kinds" in data_keys:
            data_keys.remove("kinds")
            data__kinds = data["kinds"]
            if not isinstance(data__kinds, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".kinds must be array")
            data__kinds_is_list = isinstance(data__kinds, (list, tuple))
            if data__kinds_is_list:
                data__kinds_len = len(data__kinds)
                if data__kinds_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".kinds must contain at least 1 items")
                def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                if data__kinds_len > len(set(fn(data__kinds_x) for data__kinds_x in data__kinds)):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".kinds must contain unique items")
                for data__kinds_x, data__kinds_item in enumerate(data__kinds):
                    if not isinstance(data__kinds_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".kinds[{data__kinds_x}]".format(**locals()) + " must be string")
                    if isinstance(data__kinds_item, str):
                        if not REGEX_PATTERNS['^[a-z0-9]+(-[a-z0-9]+)*$'].search(data__kinds_item):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".kinds[{data__kinds_x}]".format(**locals()) + " must match pattern ^[a-z0-9]+(-[a-z0-9]+)*$")
        if "tags" in data_keys:
            data_keys.remove("tags")
            data__tags = data["tags"]
            if not isinstance(data__tags, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".tags must be array")
            data__tags_is_list = isinstance(data__tags, (list, tuple))
            if data__tags_is_list:
                def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                data__tags_len = len(data__tags)
                if data__tags_len > len(set(fn(data__tags_x) for data__tags_x in data__tags)):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".tags must contain unique items")
                for data__tags_x, data__tags_item in enumerate(data__tags):
                    if not isinstance(data__tags_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".tags[{data__tags_x}]".format(**locals()) + " must be string")
                    if isinstance(data__tags_item, str):
                        data__tags_item_len = len(data__tags_item)
                        if data__tags_item_len > 64:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".tags[{data__tags_x}]".format(**locals()) + " must be shorter than or equal to 64 characters")
                        if not REGEX_PATTERNS['^[a-z0-9]+(-[a-z0-9]+)*$'].search(data__tags_item):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".tags[{data__tags_x}]".format(**locals()) + " must match pattern ^[a-z0-9]+(-[a-z0-9]+)*$")
        if "axes" in data_keys:
            data_keys.remove("axes")
            data__axes = data["axes"]
            if not isinstance(data__axes, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes must be object")
            data__axes_is_dict = isinstance(data__axes, dict)
            if data__axes_is_dict:
                data__axes_keys = set(data__axes.keys())
                for data__axes_key in data__axes_keys:
                    if data__axes_key not in []:
                        data__axes_value = data__axes.get(data__axes_key)
                        if not isinstance(data__axes_value, (dict)):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}".format(**locals()) + " must be object")
                        data__axes_value_is_dict = isinstance(data__axes_value, dict)
                        if data__axes_value_is_dict:
                            data__axes_value__missing_keys = set(['description', 'values']) - data__axes_value.keys()
                            if data__axes_value__missing_keys:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}".format(**locals()) + " must contain ")
                            data__axes_value_keys = set(data__axes_value.keys())
                            if "description" in data__axes_value_keys:
                                data__axes_value_keys.remove("description")
                                data__axes_value__description = data__axes_value["description"]
                                if not isinstance(data__axes_value__description, (str)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}.description".format(**locals()) + " must be string")
                                if isinstance(data__axes_value__description, str):
                                    data__axes_value__description_len = len(data__axes_value__description)
                                    if data__axes_value__description_len < 1:
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}.description".format(**locals()) + " must be longer than or equal to 1 characters")
                                    if data__axes_value__description_len > 1000:
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}.description".format(**locals()) + " must be shorter than or equal to 1000 characters")
                            if "values" in data__axes_value_keys:
                                data__axes_value_keys.remove("values")
                                data__axes_value__values = data__axes_value["values"]
                                if not isinstance(data__axes_value__values, (list, tuple)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}.values".format(**locals()) + " must be array")
                                data__axes_value__values_is_list = isinstance(data__axes_value__values, (list, tuple))
                                if data__axes_value__values_is_list:
                                    data__axes_value__values_len = len(data__axes_value__values)
                                    if data__axes_value__values_len < 1:
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}.values".format(**locals()) + " must contain at least 1 items")
                                    def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                                    if data__axes_value__values_len > len(set(fn(data__axes_value__values_x) for data__axes_value__values_x in data__axes_value__values)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}.values".format(**locals()) + " must contain unique items")
                                    for data__axes_value__values_x, data__axes_value__values_item in enumerate(data__axes_value__values):
                                        if not isinstance(data__axes_value__values_item, (str)):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}.values[{data__axes_value__values_x}]".format(**locals()) + " must be string")
                                        if isinstance(data__axes_value__values_item, str):
                                            data__axes_value__values_item_len = len(data__axes_value__values_item)
                                            if data__axes_value__values_item_len > 64:
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}.values[{data__axes_value__values_x}]".format(**locals()) + " must be shorter than or equal to 64 characters")
                                            if not REGEX_PATTERNS['^[a-z0-9]+(-[a-z0-9]+)*$'].search(data__axes_value__values_item):
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}.values[{data__axes_value__values_x}]".format(**locals()) + " must match pattern ^[a-z0-9]+(-[a-z0-9]+)*$")
                            for data__axes_value_key, data__axes_value_val in data__axes_value.items():
                                if REGEX_PATTERNS['^x-'].search(data__axes_value_key):
                                    if data__axes_value_key in data__axes_value_keys:
                                        data__axes_value_keys.remove(data__axes_value_key)
                            if data__axes_value_keys:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}".format(**locals()) + " must not contain "+str(data__axes_value_keys)+" properties")
                data__axes_len = len(data__axes)
                if data__axes_len != 0:
                    data__axes_property_names = True
                    for data__axes_key in data__axes:
                        try:
                            if isinstance(data__axes_key, str):
                                data__axes_key_len = len(data__axes_key)
                                if data__axes_key_len > 64:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes must be shorter than or equal to 64 characters")
                                if not REGEX_PATTERNS['^[a-z0-9]+(-[a-z0-9]+)*$'].search(data__axes_key):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes must match pattern ^[a-z0-9]+(-[a-z0-9]+)*$")
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__axes_property_names = False
                    if not data__axes_property_names:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes must be named by propertyName definition")
        if "authors" in data_keys:
            data_keys.remove("authors")
            data__authors = data["authors"]
            if not isinstance(data__authors, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".authors must be array")
            data__authors_is_list = isinstance(data__authors, (list, tuple))
            if data__authors_is_list:
                data__authors_len = len(data__authors)
                for data__authors_x, data__authors_item in enumerate(data__authors):
                    data__authors_item_any_of_count1 = 0
                    if not data__authors_item_any_of_count1:
                        try:
                            if not isinstance(data__authors_item, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".authors[{data__authors_x}]".format(**locals()) + " must be string")
                            if isinstance(data__authors_item, str):
                                data__authors_item_len = len(data__authors_item)
                                if data__authors_item_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".authors[{data__authors_x}]".format(**locals()) + " must be longer than or equal to 1 characters")
                            data__authors_item_any_of_count1 += 1
                        except (JsonSchemaValueException, JsonSchemaValuesException): pass
                    if not data__authors_item_any_of_count1:
                        try:
                            if not isinstance(data__authors_item, (dict)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".authors[{data__authors_x}]".format(**locals()) + " must be object")
                            data__authors_item_is_dict = isinstance(data__authors_item, dict)
                            if data__authors_item_is_dict:
                                data__authors_item__missing_keys = set(['name']) - data__authors_item.keys()
                                if data__authors_item__missing_keys:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".authors[{data__authors_x}]".format(**locals()) + " must contain ")
                                data__authors_item_keys = set(data__authors_item.keys())
                                if "name" in data__authors_item_keys:
                                    data__authors_item_keys.remove("name")
                                    data__authors_item__name = data__authors_item["name"]
                                    if not isinstance(data__authors_item__name, (str)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".authors[{data__authors_x}].name".format(**locals()) + " must be string")
                                    if isinstance(data__authors_item__name, str):
                                        data__authors_item__name_len = len(data__authors_item__name)
                                        if data__authors_item__name_len < 1:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".authors[{data__authors_x}].name".format(**locals()) + " must be longer than or equal to 1 characters")
                                if "email" in data__authors_item_keys:
                                    data__authors_item_keys.remove("email")
                                    data__authors_item__email = data__authors_item["email"]
                                    if not isinstance(data__authors_item__email, (str)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".authors[{data__authors_x}].email".format(**locals()) + " must be string")
                                if data__authors_item_keys:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".authors[{data__authors_x}]".format(**locals()) + " must not contain "+str(data__authors_item_keys)+" properties")
                            data__authors_item_any_of_count1 += 1
                        except (JsonSchemaValueException, JsonSchemaValuesException): pass
                    if not data__authors_item_any_of_count1:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".authors[{data__authors_x}]".format(**locals()) + " cannot be validated by any definition")
        if "license" in data_keys:
            data_keys.remove("license")
            data__license = data["license"]
            if not isinstance(data__license, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".license must be string")
            if isinstance(data__license, str):
                data__license_len = len(data__license)
                if data__license_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".license must be longer than or equal to 1 characters")
        if "homepage" in data_keys:
            data_keys.remove("homepage")
            data__homepage = data["homepage"]
            if not isinstance(data__homepage, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".homepage must be string")
            if isinstance(data__homepage, str):
                if not REGEX_PATTERNS['^https?://\\S+$'].search(data__homepage):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".homepage must match pattern ^https?://\\S+$")
        for data_key, data_val in data.items():
            if REGEX_PATTERNS['^x-'].search(data_key):
                if data_key in data_keys:
                    data_keys.remove(data_key)
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties")
    return data

check = validate_https___skillwiki_dev_schemas_1_domain_schema_json
