"""Socrata's license vocabulary: the codes a view's `licenseId` takes, and their titles.

Real Socrata stores a code (`"licenseId": "CC0_10"` in sodapy's recorded view,
xmunoz/sodapy tests/test_data/get_song_metadata.txt), shows the title (`"license": "Creative
Commons Attribution 3.0 Unported"` in the Discovery API, sodapy's tests/test_data/
get_datasets.txt) and names both in `domain_licenses()` (`{"name": …, "id": "CC_30_BY"}`, Socrata's
SoQL function docs). The list is the one Socrata's dataset-management UI offers (codes also in
socrata/datasync `LicenseType.java`). The local portal refuses any other `licenseId`, so a client
that sends a free-text title finds out here rather than on datos.gov.co.
"""

from __future__ import annotations

TITLES: dict[str, str] = {
    "CC0_10": "Creative Commons 1.0 Universal (Public Domain Dedication)",
    "CC_30_BY": "Creative Commons Attribution 3.0 Unported",
    "CC_30_BY_AUS": "Creative Commons Attribution 3.0 Australia",
    "CC_30_BY_IGO": "Creative Commons Attribution 3.0 IGO",
    "CC_30_BY_NZ": "Creative Commons Attribution 3.0 New Zealand",
    "CC_30_BY_ND": "Creative Commons Attribution | No Derivative Works 3.0 Unported",
    "CC_30_BY_NC": "Creative Commons Attribution | Noncommercial 3.0 Unported",
    "CC_30_BY_NC_ND": "Creative Commons Attribution | Noncommercial | No Derivative Works 3.0 "
    "Unported",
    "CC_30_BY_NC_SA": "Creative Commons Attribution | Noncommercial | Share Alike 3.0 Unported",
    "CC_30_BY_SA": "Creative Commons Attribution | Share Alike 3.0 Unported",
    "CC_40_BY": "Creative Commons Attribution 4.0 International",
    "CC_40_BY_ND": "Creative Commons Attribution | NoDerivatives 4.0 International License",
    "CC_40_BY_SA": "Creative Commons Attribution | Share Alike 4.0 International",
    "IODL": "Italian Open Data License 2.0",
    "ODC_BY": "Open Data Commons Attribution License",
    "ODBL": "Open Data Commons Open Database License",
    "PDDL": "Open Data Commons Public Domain Dedication and License",
    "PUBLIC_DOMAIN": "Public Domain",
    "SEE_TERMS_OF_USE": "See Terms of Use",
}


def title(code: str) -> str | None:
    return TITLES.get(code)
