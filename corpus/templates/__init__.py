"""Corpus page templates: name -> render(article, rng) -> Page."""

from templates.legacy import br_soup, commune_portal, legacy_1258, sharepoint_portal, table_layout, word_paste
from templates.modern import district_portal, nfd_portal, party_site, provincial_paper

TEMPLATES = {
    "district-portal": district_portal,
    "provincial-paper": provincial_paper,
    "party-site": party_site,
    "table-layout": table_layout,
    "br-soup": br_soup,
    "word-paste": word_paste,
    "legacy-1258": legacy_1258,
    "nfd-portal": nfd_portal,
    "sharepoint-portal": sharepoint_portal,
    "commune-portal": commune_portal,
}
