"""The catalog's license vocabulary and what each license is called on each portal.

The catalog names a license by its title as datos.gov.co shows it (Socrata's domain license
list); Socrata's views API stores a code in `licenseId` and CKAN a `license_id`. This table is
the one place where the three meet; a title that is not here is refused by `catalog check`.

Where the Socrata codes come from: Socrata's own license list as its dataset-management UI and
DataSync carry it (socrata/datasync, `LicenseType.java`: `CC0_10`, `CC_30_BY`, `PUBLIC_DOMAIN`,
…; the UI adds the 4.0 codes `CC_40_BY`, `CC_40_BY_SA`, and `ODC_BY`, `ODBL`, `PDDL`), the
`domain_licenses()` example in Socrata's SoQL docs (`{"name": "Creative Commons Attribution 3.0
Unported", "id": "CC_30_BY"}`), and sodapy's recorded view (`"licenseId": "CC0_10"`,
xmunoz/sodapy tests/test_data/get_song_metadata.txt). CKAN ids are those of CKAN's default
license list (`ckan/model/license.py`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class License:
    title: str  # the catalog's name, as datos.gov.co shows it
    socrata: str  # Socrata `licenseId`
    ckan: str  # CKAN `license_id`


_ALL = (
    License(
        "Creative Commons Attribution | Share Alike 4.0 International", "CC_40_BY_SA", "cc-by-sa"
    ),
    License("Creative Commons Attribution 4.0 International", "CC_40_BY", "cc-by"),
    License("Creative Commons Attribution 3.0 Unported", "CC_30_BY", "cc-by"),
    License("Creative Commons Attribution | Share Alike 3.0 Unported", "CC_30_BY_SA", "cc-by-sa"),
    License("Creative Commons 1.0 Universal (Public Domain Dedication)", "CC0_10", "cc-zero"),
    License("Public Domain", "PUBLIC_DOMAIN", "other-pd"),
    License("Open Data Commons Attribution License", "ODC_BY", "odc-by"),
    License("Open Data Commons Open Database License", "ODBL", "odc-odbl"),
    License("Open Data Commons Public Domain Dedication and License", "PDDL", "odc-pddl"),
)
LICENSES: dict[str, License] = {item.title: item for item in _ALL}

UNKNOWN_LICENSE = "licencia desconocida «{title}»; use una de: {known}"


def known_titles() -> list[str]:
    return list(LICENSES)


def license_for(title: str) -> License:
    """The license with this catalog title; ValueError (Spanish) for any other."""
    try:
        return LICENSES[title]
    except KeyError:
        known = "; ".join(f"«{t}»" for t in LICENSES)
        raise ValueError(UNKNOWN_LICENSE.format(title=title, known=known)) from None
