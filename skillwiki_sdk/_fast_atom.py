"""The fast check of schema 'atom': made by scripts/generate_fast_checks.py, do not edit."""
SCHEMA_SHA256 = "2412530b51aa7672e6e20288d950a4cecabc8a26afc4ce1bb27a6e0afa721f6c"
VERSION = "2.22.3"
from decimal import Decimal
import re
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


REGEX_PATTERNS = {
    '^[a-z0-9]+(-[a-z0-9]+)*$': re.compile('^[a-z0-9]+(-[a-z0-9]+)*\\Z'),
    '^[^\\S\\n]*\\S[^\\n]*$': re.compile('^[^\\S\\n]*\\S[^\\n]*\\Z'),
    '^(@[a-z0-9]+(-[a-z0-9]+)*/)?[a-z0-9]+(-[a-z0-9]+)*$': re.compile('^(@[a-z0-9]+(-[a-z0-9]+)*/)?[a-z0-9]+(-[a-z0-9]+)*\\Z'),
    '^https?://\\S+$': re.compile('^https?://\\S+\\Z'),
    '^x-': re.compile('^x-')
}

NoneType = type(None)

def validate_https___skillwiki_dev_schemas_1_atom_schema_json(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['id', 'kind', 'summary']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "id" in data_keys:
            data_keys.remove("id")
            data__id = data["id"]
            if not isinstance(data__id, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".id must be string")
            if isinstance(data__id, str):
                data__id_len = len(data__id)
                if data__id_len > 128:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".id must be shorter than or equal to 128 characters")
                if not REGEX_PATTERNS['^[a-z0-9]+(-[a-z0-9]+)*$'].search(data__id):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".id must match pattern ^[a-z0-9]+(-[a-z0-9]+)*$")
        if "aliases" in data_keys:
            data_keys.remove("aliases")
            data__aliases = data["aliases"]
            if not isinstance(data__aliases, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".aliases must be array")
            data__aliases_is_list = isinstance(data__aliases, (list, tuple))
            if data__aliases_is_list:
                def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                data__aliases_len = len(data__aliases)
                if data__aliases_len > len(set(fn(data__aliases_x) for data__aliases_x in data__aliases)):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".aliases must contain unique items")
                for data__aliases_x, data__aliases_item in enumerate(data__aliases):
                    if not isinstance(data__aliases_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".aliases[{data__aliases_x}]".format(**locals()) + " must be string")
                    if isinstance(data__aliases_item, str):
                        data__aliases_item_len = len(data__aliases_item)
                        if data__aliases_item_len > 128:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".aliases[{data__aliases_x}]".format(**locals()) + " must be shorter than or equal to 128 characters")
                        if not REGEX_PATTERNS['^[a-z0-9]+(-[a-z0-9]+)*$'].search(data__aliases_item):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".aliases[{data__aliases_x}]".format(**locals()) + " must match pattern ^[a-z0-9]+(-[a-z0-9]+)*$")
        if "kind" in data_keys:
            data_keys.remove("kind")
            data__kind = data["kind"]
            if not isinstance(data__kind, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".kind must be string")
            if isinstance(data__kind, str):
                if not REGEX_PATTERNS['^[a-z0-9]+(-[a-z0-9]+)*$'].search(data__kind):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".kind must match pattern ^[a-z0-9]+(-[a-z0-9]+)*$")
        if "title" in data_keys:
            data_keys.remove("title")
            data__title = data["title"]
            if not isinstance(data__title, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".title must be string")
            if isinstance(data__title, str):
                data__title_len = len(data__title)
                if data__title_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".title must be longer than or equal to 1 characters")
                if data__title_len > 200:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".title must be shorter than or equal to 200 characters")
        if "summary" in data_keys:
            data_keys.remove("summary")
            data__summary = data["summary"]
            if not isinstance(data__summary, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".summary must be string")
            if isinstance(data__summary, str):
                data__summary_len = len(data__summary)
                if data__summary_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".summary must be longer than or equal to 1 characters")
                if data__summary_len > 400:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".summary must be shorter than or equal to 400 characters")
                if not REGEX_PATTERNS['^[^\\S\\n]*\\S[^\\n]*$'].search(data__summary):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".summary must match pattern ^[^\\S\\n]*\\S[^\\n]*$")
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
                        if not isinstance(data__axes_value, (list, tuple)):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}".format(**locals()) + " must be array")
                        data__axes_value_is_list = isinstance(data__axes_value, (list, tuple))
                        if data__axes_value_is_list:
                            data__axes_value_len = len(data__axes_value)
                            if data__axes_value_len < 1:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}".format(**locals()) + " must contain at least 1 items")
                            def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                            if data__axes_value_len > len(set(fn(data__axes_value_x) for data__axes_value_x in data__axes_value)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}".format(**locals()) + " must contain unique items")
                            for data__axes_value_x, data__axes_value_item in enumerate(data__axes_value):
                                if not isinstance(data__axes_value_item, (str)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}[{data__axes_value_x}]".format(**locals()) + " must be string")
                                if isinstance(data__axes_value_item, str):
                                    if not REGEX_PATTERNS['^[a-z0-9]+(-[a-z0-9]+)*$'].search(data__axes_value_item):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes.{data__axes_key}[{data__axes_value_x}]".format(**locals()) + " must match pattern ^[a-z0-9]+(-[a-z0-9]+)*$")
                data__axes_len = len(data__axes)
                if data__axes_len != 0:
                    data__axes_property_names = True
                    for data__axes_key in data__axes:
                        try:
                            if isinstance(data__axes_key, str):
                                if not REGEX_PATTERNS['^[a-z0-9]+(-[a-z0-9]+)*$'].search(data__axes_key):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes must match pattern ^[a-z0-9]+(-[a-z0-9]+)*$")
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__axes_property_names = False
                    if not data__axes_property_names:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".axes must be named by propertyName definition")
        if "quality" in data_keys:
            data_keys.remove("quality")
            data__quality = data["quality"]
            if not isinstance(data__quality, (int, float, Decimal)) or isinstance(data__quality, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".quality must be number")
            if isinstance(data__quality, (int, float, Decimal)) and not isinstance(data__quality, bool):
                if data__quality < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".quality must be bigger than or equal to 0")
                if data__quality > 5:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".quality must be smaller than or equal to 5")
        if "related" in data_keys:
            data_keys.remove("related")
            data__related = data["related"]
            if not isinstance(data__related, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".related must be array")
            data__related_is_list = isinstance(data__related, (list, tuple))
            if data__related_is_list:
                def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else (bool, var) if isinstance(var, bool) else var
                data__related_len = len(data__related)
                if data__related_len > len(set(fn(data__related_x) for data__related_x in data__related)):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".related must contain unique items")
                for data__related_x, data__related_item in enumerate(data__related):
                    if not isinstance(data__related_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".related[{data__related_x}]".format(**locals()) + " must be string")
                    if isinstance(data__related_item, str):
                        if not REGEX_PATTERNS['^(@[a-z0-9]+(-[a-z0-9]+)*/)?[a-z0-9]+(-[a-z0-9]+)*$'].search(data__related_item):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".related[{data__related_x}]".format(**locals()) + " must match pattern ^(@[a-z0-9]+(-[a-z0-9]+)*/)?[a-z0-9]+(-[a-z0-9]+)*$")
        if "sources" in data_keys:
            data_keys.remove("sources")
            data__sources = data["sources"]
            if not isinstance(data__sources, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".sources must be array")
            data__sources_is_list = isinstance(data__sources, (list, tuple))
            if data__sources_is_list:
                data__sources_len = len(data__sources)
                for data__sources_x, data__sources_item in enumerate(data__sources):
                    if not isinstance(data__sources_item, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".sources[{data__sources_x}]".format(**locals()) + " must be object")
                    data__sources_item_is_dict = isinstance(data__sources_item, dict)
                    if data__sources_item_is_dict:
                        data__sources_item__missing_keys = set(['title', 'url']) - data__sources_item.keys()
                        if data__sources_item__missing_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".sources[{data__sources_x}]".format(**locals()) + " must contain ")
                        data__sources_item_keys = set(data__sources_item.keys())
                        if "title" in data__sources_item_keys:
                            data__sources_item_keys.remove("title")
                            data__sources_item__title = data__sources_item["title"]
                            if not isinstance(data__sources_item__title, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".sources[{data__sources_x}].title".format(**locals()) + " must be string")
                            if isinstance(data__sources_item__title, str):
                                data__sources_item__title_len = len(data__sources_item__title)
                                if data__sources_item__title_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".sources[{data__sources_x}].title".format(**locals()) + " must be longer than or equal to 1 characters")
                        if "url" in data__sources_item_keys:
                            data__sources_item_keys.remove("url")
                            data__sources_item__url = data__sources_item["url"]
                            if not isinstance(data__sources_item__url, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".sources[{data__sources_x}].url".format(**locals()) + " must be string")
                            if isinstance(data__sources_item__url, str):
                                if not REGEX_PATTERNS['^https?://\\S+$'].search(data__sources_item__url):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".sources[{data__sources_x}].url".format(**locals()) + " must match pattern ^https?://\\S+$")
                        if data__sources_item_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".sources[{data__sources_x}]".format(**locals()) + " must not contain "+str(data__sources_item_keys)+" properties")
        if "deprecated" in data_keys:
            data_keys.remove("deprecated")
            data__deprecated = data["deprecated"]
            if not isinstance(data__deprecated, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".deprecated must be string")
            if isinstance(data__deprecated, str):
                data__deprecated_len = len(data__deprecated)
                if data__deprecated_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".deprecated must be longer than or equal to 1 characters")
                if data__deprecated_len > 400:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".deprecated must be shorter than or equal to 400 characters")
        for data_key, data_val in data.items():
            if REGEX_PATTERNS['^x-'].search(data_key):
                if data_key in data_keys:
                    data_keys.remove(data_key)
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties")
    return data

check = validate_https___skillwiki_dev_schemas_1_atom_schema_json
