"""Parse once: BeautifulSoup over lxml, with a leaner tree builder.

lxml parses a portal page in ~0.3 ms; BeautifulSoup then spends ~4 ms in generic per-node Python
(namespace bookkeeping, attribute re-wrapping, ``Tag.__init__``'s many options, a linkage walk to
the root for every string) turning lxml's events into its tree. For plain HTML -- no namespaces,
no ``parse_only`` -- most of that work has a fixed outcome, so :class:`_LeanBuilder` does the same
steps directly against the soup's own parse state and builds the *same* tree: same objects, same
attributes, same links (tests/test_clean.py compares it node by node with the stock builder).
Anything unusual (a namespaced tag or attribute) goes through the stock code path.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.builder._lxml import LXMLTreeBuilder
from bs4.element import nonwhitespace_re

_ASCII_SPACES = BeautifulSoup.ASCII_SPACES
_ROOT = BeautifulSoup.ROOT_TAG_NAME
_MAIN_TYPES = Tag.MAIN_CONTENT_STRING_TYPES
_dict_set = dict.__setitem__
_new_tag = Tag.__new__
_str_new = str.__new__
_STRING_NEW = NavigableString.__new__
_split = nonwhitespace_re.findall


class _LeanBuilder(LXMLTreeBuilder):
    """``LXMLTreeBuilder`` with the per-event work of ``BeautifulSoup.handle_starttag``/``endData``
    /``object_was_parsed`` inlined for the namespace-free case."""

    NAME = "vnnews-lean-lxml"
    ALTERNATE_NAMES: list[str] = []
    features: list[str] = []  # never registered: only :func:`parse_html` uses it

    def start(self, tag, attrib, nsmap={}):  # noqa: B006 - lxml's signature
        soup = self.soup
        if nsmap or len(self.nsmaps) > 1 or tag[:1] == "{" or soup.parse_only is not None:
            return super().start(tag, attrib, nsmap)
        attrs = self.attribute_dict_class()
        if attrib:
            for k, v in attrib.items():
                if k[:1] == "{" or type(v) is not str:
                    return super().start(tag, attrib, nsmap)
                _dict_set(attrs, k, v)  # all the attribute dict's __setitem__ does with a str
        if soup.current_data:
            self._end_data(soup)
        if attrs:
            cdata = self.cdata_list_attributes
            universal = cdata.get("*", ())
            specific = cdata.get(tag.lower())
            for k in list(attrs):
                if k in universal or (specific and k in specific):
                    _dict_set(attrs, k, self.attribute_value_list_class(_split(attrs[k])))

        parent = soup.currentTag
        previous = soup._most_recent_element
        sibling = parent.contents[-1] if parent is not None and parent.contents else None
        containers = self.string_containers
        el = _new_tag(Tag)
        # Tag.__init__ + PageElement.setup(parent, previous), attribute for attribute and in order.
        el.parser_class = soup.__class__
        el.name = tag
        el.namespace = None
        el._namespaces = self.active_namespace_prefixes[-1] or {}
        el.prefix = None
        el.sourceline = None
        el.sourcepos = None
        el.attribute_value_list_class = self.attribute_value_list_class
        el.attrs = attrs
        el.known_xml = self.is_xml
        el.contents = []
        el.parent = parent
        el.previous_element = previous
        if previous is not None:
            previous.next_element = el
        el.next_element = None
        el.next_sibling = None
        el.previous_sibling = sibling
        if sibling is not None:
            sibling.next_sibling = el
        el.hidden = False
        if tag == "meta":
            self.set_up_substitutions(el)
        empty = self.empty_element_tags
        el.can_be_empty_element = True if empty is None else tag in empty  # builder.can_be_empty_element
        el.cdata_list_attributes = self.cdata_list_attributes
        el.preserve_whitespace_tags = self.preserve_whitespace_tags
        el.interesting_string_types = {containers[tag]} if tag in containers else _MAIN_TYPES
        # BeautifulSoup.handle_starttag + pushTag
        soup._most_recent_element = el
        if parent is not None:
            parent.contents.append(el)
        soup.tagStack.append(el)
        soup.currentTag = el
        if tag != _ROOT:
            soup.open_tag_counter[tag] += 1
        if tag in self.preserve_whitespace_tags:
            soup.preserve_whitespace_tag_stack.append(el)
        if tag in containers:
            soup.string_container_stack.append(el)
        return None

    def end(self, tag):
        if len(self.nsmaps) > 1 or tag[:1] == "{":
            return super().end(tag)
        soup = self.soup
        if soup.current_data:
            self._end_data(soup)
        # BeautifulSoup._popToTag(tag): lxml reports a well-nested tree, so the tag to close is
        # the innermost open one; anything else takes the general path.
        stack = soup.tagStack
        top = stack[-1]
        counter = soup.open_tag_counter
        if tag != _ROOT and len(stack) > 1 and top.name == tag and top.prefix is None and counter.get(tag):
            # BeautifulSoup.popTag()
            stack.pop()
            if tag in counter:
                counter[tag] -= 1
            kept = soup.preserve_whitespace_tag_stack
            if kept and top == kept[-1]:
                kept.pop()
            containers = soup.string_container_stack
            if containers and top == containers[-1]:
                containers.pop()
            if stack:
                soup.currentTag = stack[-1]
        else:
            soup._popToTag(tag, None)
        return None

    def data(self, data):
        self.soup.current_data.append(data)

    def _end_data(self, soup: BeautifulSoup) -> None:
        """``BeautifulSoup.endData()`` for a plain string (no container class asked)."""
        text = "".join(soup.current_data)
        if not soup.preserve_whitespace_tag_stack and not text.strip(_ASCII_SPACES):
            text = "\n" if "\n" in text else " "
        soup.current_data = []
        # BeautifulSoup.string_container(None)
        container = soup.element_classes.get(NavigableString, NavigableString)
        if soup.string_container_stack and container is NavigableString:
            container = self.string_containers.get(soup.string_container_stack[-1].name, container)
        parent = soup.currentTag
        fix = parent.next_element is not None
        previous = soup._most_recent_element
        if container.__new__ is _STRING_NEW:
            # NavigableString.__new__ + BeautifulSoup.object_was_parsed(o), whose setup() calls
            # both link the string; it is linked once, attributes set in the same order.
            o = _str_new(container, text)
            o.hidden = False
        else:
            o = container(text)
        o.parent = parent
        o.previous_element = previous
        if previous is not None:
            previous.next_element = o
        o.next_element = None
        o.next_sibling = None
        contents = parent.contents
        sibling = contents[-1] if contents else None
        o.previous_sibling = sibling
        if sibling is not None:
            sibling.next_sibling = o
        soup._most_recent_element = o
        contents.append(o)
        if fix:
            soup._linkage_fixer(parent)


def parse_html(markup: str) -> BeautifulSoup:
    """``BeautifulSoup(markup, "lxml")``, built faster (the same tree)."""
    return BeautifulSoup(markup, builder=_LeanBuilder())


__all__ = ["NavigableString", "parse_html"]
