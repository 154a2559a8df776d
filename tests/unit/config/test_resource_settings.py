"""`ResourceSettings` takes ZenML's fields and units and rejects bad values clearly."""

import pytest

from stepwell import step
from stepwell.config import ResourceSettings
from stepwell.config.resource_settings import ByteUnit, parse_resource_settings
from stepwell.exceptions import ResourceSettingsError


def test_memory_converts_between_decimal_and_binary_units():
    settings = ResourceSettings(cpu_count=2, memory="4GB")
    assert settings.get_memory() == 4.0
    assert settings.get_memory("MiB") == pytest.approx(3814.697, rel=1e-6)
    assert settings.get_memory(ByteUnit.KB) == 4_000_000
    assert ResourceSettings(memory="1KiB").memory_bytes() == 1024


def test_empty_settings_say_so():
    assert ResourceSettings().empty
    assert not ResourceSettings(gpu_count=0).empty


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"cpu_count": 0}, "cpu_count: Input should be greater than 0"),
        ({"gpu_count": -1}, "gpu_count: Input should be greater than or equal to 0"),
        ({"memory": "4 GB"}, "memory: String should match pattern"),
        ({"cpu_cnt": 2}, "cpu_cnt: unknown field"),
        ("lots", "must be ResourceSettings"),
    ],
)
def test_invalid_resources_name_the_owner_and_the_field(value, problem):
    with pytest.raises(ResourceSettingsError, match="step 'train'") as raised:
        parse_resource_settings(value, "step 'train'")
    assert problem in str(raised.value)


def test_step_settings_keep_resources_as_plain_data():
    @step(settings={"resources": ResourceSettings(cpu_count=2, memory="1GB")})
    def train() -> int:
        return 1

    assert train.config.settings["resources"] == {"cpu_count": 2.0, "memory": "1GB"}
    configured = train.with_options(settings={"resources": {"gpu_count": 1}})
    assert configured.config.settings["resources"] == {"gpu_count": 1}


def test_a_bad_resources_setting_fails_at_decoration():
    with pytest.raises(ResourceSettingsError, match="step 'train'.*memory"):

        @step(settings={"resources": {"memory": "lots"}})
        def train() -> int:
            return 1
