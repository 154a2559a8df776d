"""Secrets are never printed: store URLs and secret component settings are masked."""

from stepwell.utils.redact import masked_configuration, masked_url


def test_a_store_url_shows_no_password():
    assert (
        masked_url("postgresql+psycopg://me:s3cret@db.example:5432/runs")
        == "postgresql+psycopg://me:****@db.example:5432/runs"
    )
    assert masked_url("sqlite:////home/me/stepwell.db") == "sqlite:////home/me/stepwell.db"


def test_secret_fields_are_masked_and_others_kept():
    shown = masked_configuration(
        {
            "url": "https://hooks.slack.com/services/T0/B0/TOKEN",
            "headers": {"Authorization": "Bearer abc"},
            "timeout": 5,
        },
        {"url", "headers"},
    )
    assert shown == {
        "url": "https://hooks.slack.com/...",
        "headers": {"Authorization": "****"},
        "timeout": 5,
    }


def test_the_store_repr_masks_its_password():
    from stepwell.store.sql.store import SqlStore

    store = SqlStore.__new__(SqlStore)
    store.url = "postgresql+psycopg://me:s3cret@db/runs"
    assert "s3cret" not in repr(store)
