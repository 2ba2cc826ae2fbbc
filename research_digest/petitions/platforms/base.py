"""A petition platform: where its petitions live, and (with an API) how to read them."""

from __future__ import annotations

from collections.abc import Mapping

from research_digest.model.manifest import Licence
from research_digest.model.petitions import PetitionData


class Platform:
    """A platform with no API: its figures are recorded by hand in the manifest.

    A platform with an API subclasses this: it names its host and overrides
    the URL methods and ``parse``, its adapter.
    """

    host: str | None = None  # the API's host: only https requests to it are made
    licence: Licence | None = None  # the licence the platform publishes its data under
    rejection_reasons: Mapping[str, str] = {}  # rejection code -> what it means, for readers
    legislature: str | None = None  # who debates its petitions: "Parliament", "the Senedd"

    def __init__(self, platform_id: str, name: str) -> None:
        self.id = platform_id
        self.name = name

    @property
    def has_api(self) -> bool:
        return self.host is not None

    def label(self, number: int) -> str:
        """The petition's reference as the platform writes it: '756212', 'PE2034'."""
        return str(number)

    def page_url(self, number: int) -> str | None:
        return None

    def api_url(self, number: int) -> str | None:
        return None

    def api_paths(self, number: int) -> tuple[str, ...]:
        """Every path on the host where the petition's JSON may be (redirects go only there)."""
        return ()

    def pending_paths(self, number: int) -> tuple[str, ...]:
        """Paths a redirect leads to while the petition is not public yet."""
        return ()

    def rejection_reason(self, code: str) -> str:
        """Say in words why a petition was rejected, from the platform's code."""
        return self.rejection_reasons.get(code, f"It was rejected with the code {code!r}.")

    def parse(self, document: object, number: int) -> PetitionData:
        """Turn one API response into checked data, or raise DataError."""
        raise NotImplementedError(f"{self.name} has no API")

    def document(self, number: int, attributes: dict[str, object]) -> object:
        """An API document holding attributes (figures read from a page), for parse()."""
        raise NotImplementedError(f"{self.name} has no API")
