"""A deterministic synthetic city calibrated on the seed's figures.

The generator is :mod:`loaders.synthetic.generator`; :mod:`loaders.synthetic.names` holds the
vocabularies it draws names from.
"""

from loaders.synthetic.generator import PRESETS, REFERENCE_DATE, VISIT_MONTHS, City, Progress, city_digest, generate

__all__ = ["PRESETS", "REFERENCE_DATE", "VISIT_MONTHS", "City", "Progress", "city_digest", "generate"]
