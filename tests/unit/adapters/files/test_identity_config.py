"""Weights and thresholds come from defaults or a TOML [identity] table."""

from pathlib import Path

import pytest

from hub.adapters.files.identity_config_toml import load_match_config
from hub.domain.identity.config import DEFAULT_CONFIG, config_from_mapping


def test_mapping_overrides_defaults():
    config = config_from_mapping({"link_threshold": 20, "max_block_size": 50})
    assert config.link_threshold == 20.0 and isinstance(config.link_threshold, float)
    assert config.max_block_size == 50 and isinstance(config.max_block_size, int)
    assert config.dob_exact == DEFAULT_CONFIG.dob_exact


@pytest.mark.parametrize(
    "values", [{"link_treshold": 1}, {"dob_exact": "high"}, {"dob_exact": True}]
)
def test_bad_settings_are_errors(values):
    with pytest.raises(ValueError, match="identity setting"):
        config_from_mapping(values)


def test_toml_table_is_loaded(tmp_path: Path):
    path = tmp_path / "hub.toml"
    path.write_text("[identity]\ngiven_disagree = -25.5\nreview_threshold = 9\n")
    config = load_match_config(path)
    assert (config.given_disagree, config.review_threshold) == (-25.5, 9.0)
    assert load_match_config(None) == DEFAULT_CONFIG
