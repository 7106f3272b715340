"""Value-public quality: the MinTIC criteria, the personal-data gate, and the GX suite.

The flows and the pre-check call `analyse(raw, dataset, contract, now=..., last_updated=...)`;
the report site reads `registry()` (what each criterion means and how it is computed) and the
`Score`s an analysis returns. Great Expectations lives in `datos_cali.quality.expectations` and
is imported only there, inside its functions: nothing imported from here loads it.
"""

from datos_cali.quality.analysis import Analysis, Prepared, analyse, prepare
from datos_cali.quality.context import QualityContext
from datos_cali.quality.engine import SettingsError, assess, registry
from datos_cali.quality.model import Assessment, Criterion, Score
from datos_cali.quality.personal_data import Masker, PersonalData, scan_personal_data

__all__ = [
    "Analysis",
    "Assessment",
    "Criterion",
    "Masker",
    "PersonalData",
    "Prepared",
    "QualityContext",
    "Score",
    "SettingsError",
    "analyse",
    "assess",
    "prepare",
    "registry",
    "scan_personal_data",
]
