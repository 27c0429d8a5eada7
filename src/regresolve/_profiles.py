"""Which containers/image, and which program around it: the profile a pull is predicted for.

The same registries.conf and the same image string can give different pulls on two machines:
the library version differs (Debian 12's podman 4.3 runs containers/image 5.23, OpenShift 4.18's
CRI-O 5.32), and so does the program that calls it.  A `Profile` names both:

* ``containers_image``: the library release whose semantics apply, 5.23 to 5.41.  Each
  behaviour change that alters a load, a plan or an error is listed in `CHANGES` with
  the first release that has it (docs/versions.md);
* ``consumer``: ``podman`` (also buildah), ``cri-o`` or ``skopeo``, for what the program does
  before the library sees the image: podman and CRI-O drop the tag of a reference that has a
  tag and a digest; CRI-O resolves short names with its own mode (disabled up to 1.33; from
  1.34 ``short_name_mode`` in crio.conf, default ``enforcing``); skopeo resolves no short
  names at all.

`PRODUCTS` maps the names people know (``podman-4.3``, ``rhel-9.4``, ``ocp-4.18``, ...)
to a profile, from one table (sources in docs/versions.md).
"""

from __future__ import annotations

import re
from typing import Final, Literal

import attrs

from regresolve._errors import InvalidProfile

__all__ = [
    "CHANGES",
    "CONSUMERS",
    "DEFAULT_MINOR",
    "DEFAULT_PROFILE",
    "PRODUCTS",
    "Consumer",
    "Product",
    "Profile",
    "canonical_version",
    "make_profile",
    "parse_version",
    "product_profile",
    "profile_to_dict",
    "since",
]

Consumer = Literal["podman", "buildah", "cri-o", "skopeo"]
CONSUMERS: Final = ("podman", "buildah", "cri-o", "skopeo")

#: The containers/image minor releases regresolve models (5.23 ... 5.41).
OLDEST_MINOR: Final = 23
NEWEST_MINOR: Final = 41
DEFAULT_VERSION: Final = "5.34.2"

#: Behaviour changes of containers/image that alter a load, a plan or an error, with the first
#: minor release (5.N) that has each.  docs/versions.md describes each one and its test.
CHANGES: Final = {
    # v1 tables present but empty, next to v2 keys, are refused; the message dumps the struct.
    "mixing-refuses-empty-v1": 24,
    # With an auth file given (--authfile, REGISTRY_AUTH_FILE, CRI-O's global_auth_file), the
    # home-directory auth files are no longer consulted.
    "auth-file-disables-home-fallbacks": 24,
    # Several alias errors: joined by newlines in file order (before: reversed, "\n: ").
    "alias-errors-in-file-order": 31,
    # A drop-in that disappears between listing and reading is skipped.
    "vanished-dropin-skipped": 34,
    # A mirror location's trailing "/" is trimmed when stored (before: kept, so every rewrite
    # through that mirror failed).
    "mirror-location-trimmed": 35,
    # The v1 format is an error; configuration discovery follows containers-config(5).
    "v1-format-refused": 40,
    "configfile-discovery": 40,
    # The namespace-proxy key on registries and mirrors.
    "namespace-proxy": 41,
    # The additional-layer-store-auth-helper key (before: unknown, ignored whatever its type).
    "als-auth-helper-key": 32,
}

#: The minor release of DEFAULT_VERSION.
DEFAULT_MINOR: Final = 34


def since(minor: int, change: str) -> bool:
    """Whether containers/image 5.``minor`` has the behaviour change ``change`` (of CHANGES)."""
    return minor >= CHANGES[change]


_VERSION_RE: Final = re.compile(r"v?5\.([0-9]{1,3})(?:\.([0-9]{1,4}))?", re.ASCII)


def parse_version(text: str) -> tuple[int, int]:
    """``"5.23"``, ``"5.23.1"`` or ``"v5.23.1"`` -> (minor, patch); patch -1 when not given.

    Raises:
        InvalidProfile: not a containers/image 5.x version, or outside 5.23 ... 5.41.
    """
    if text == DEFAULT_VERSION:
        return _DEFAULT_PARSED  # every load with the default release asks
    return _parse_version(text)


def _parse_version(text: str) -> tuple[int, int]:
    m = _VERSION_RE.fullmatch(text.strip())
    if m is None:
        raise InvalidProfile(
            f"containers/image version {text!r}: expected 5.MINOR or 5.MINOR.PATCH (e.g. 5.34.2)"
        )
    minor = int(m.group(1))
    if not OLDEST_MINOR <= minor <= NEWEST_MINOR:
        raise InvalidProfile(
            f"containers/image version {text!r}: regresolve models 5.{OLDEST_MINOR} to "
            f"5.{NEWEST_MINOR}"
        )
    return minor, int(m.group(2)) if m.group(2) is not None else -1


_DEFAULT_PARSED: Final = _parse_version(DEFAULT_VERSION)


def canonical_version(text: str) -> str:
    """``"v5.23.1"`` -> ``"5.23.1"``, ``" 5.23 "`` -> ``"5.23"`` (checked as :func:`parse_version`).

    Raises:
        InvalidProfile: as :func:`parse_version`.
    """
    minor, patch = parse_version(text)
    return f"5.{minor}" if patch < 0 else f"5.{minor}.{patch}"


@attrs.frozen
class Profile:
    """The library release and the program a pull is predicted for.

    Attributes:
        containers_image: the containers/image version, as given (``"5.34.2"``, ``"5.23"``).
        consumer: ``podman``, ``buildah``, ``cri-o`` or ``skopeo``.
        crio_short_name_mode: CRI-O 1.34+ only: ``short_name_mode`` from crio.conf
            (``"enforcing"``, its default, or ``"disabled"``); None for CRI-O up to 1.33, which
            always resolves with short-name mode disabled, and for the other programs.
        auth_file: the auth file the program passes to the library (CRI-O's
            ``global_auth_file``), or None.
        product: the product name this profile came from (``ocp-4.18``), or None.
        toml: the BurntSushi/toml dialect the program is linked with when it is not the one
            containers/image's go.mod asks for (a distribution build: Debian 14's podman
            links toml 1.6 with containers/image 5.39), else None.
    """

    containers_image: str = DEFAULT_VERSION
    consumer: Consumer = "podman"
    crio_short_name_mode: Literal["enforcing", "disabled"] | None = None
    auth_file: str | None = None
    product: str | None = None
    toml: str | None = None

    @property
    def minor(self) -> int:
        """The containers/image minor release (23 for 5.23.1)."""
        return parse_version(self.containers_image)[0]

    def has(self, change: str) -> bool:
        """Whether this release has the behaviour change ``change`` (a key of CHANGES)."""
        return since(self.minor, change)

    @property
    def short_name_mode(self) -> Literal["enforcing", "disabled"] | None:
        """The short-name mode the program forces over registries.conf, or None."""
        if self.consumer != "cri-o":
            return None
        return self.crio_short_name_mode or "disabled"

    @property
    def resolves_short_names(self) -> bool:
        """skopeo hands a short name straight to the docker transport (docker.io)."""
        return self.consumer != "skopeo"

    @property
    def drops_tag_with_digest(self) -> bool:
        """podman, buildah and CRI-O pull ``name:tag@digest`` by digest; skopeo refuses it."""
        return self.consumer != "skopeo"

    def describe(self) -> str:
        """One line for ``explain``: ``containers/image 5.32.2 as cri-o (ocp-4.18)``."""
        text = f"containers/image {self.containers_image} as {self.consumer}"
        if self.consumer == "cri-o":
            mode = self.short_name_mode
            text += f", short names {mode}"
        return text + (f" ({self.product})" if self.product else "")


DEFAULT_PROFILE: Final = Profile()


def profile_to_dict(profile: Profile) -> dict[str, object]:
    """JSON-ready form (the ``program`` object of ``explain --json``)."""
    return {
        "containers_image": profile.containers_image,
        "consumer": profile.consumer,
        "short_name_mode": profile.short_name_mode,
        "auth_file": profile.auth_file,
        "product": profile.product,
        "toml": profile.toml,
    }


def make_profile(
    containers_image: str | None = None,
    consumer: str | None = None,
    *,
    crio_short_name_mode: str | None = None,
    auth_file: str | None = None,
) -> Profile:
    """A profile from loose options (the command line's), validated.

    Raises:
        InvalidProfile: an unknown consumer, version or mode.
    """
    version = containers_image or DEFAULT_VERSION
    parse_version(version)
    who = consumer or "podman"
    if who not in CONSUMERS:
        raise InvalidProfile(f"consumer {who!r}: expected one of {', '.join(CONSUMERS)}")
    if crio_short_name_mode not in (None, "enforcing", "disabled"):
        raise InvalidProfile(
            f"CRI-O short_name_mode {crio_short_name_mode!r}: expected enforcing or disabled"
        )
    return Profile(version, who, crio_short_name_mode, auth_file)  # type: ignore[arg-type]


@attrs.frozen
class Product:
    """One row of the product table.

    Attributes:
        name: the shorthand (``podman-4.3``).
        containers_image: the library version it runs.
        consumer: the program.
        crio_short_name_mode: as `Profile.crio_short_name_mode`.
        auth_file: as `Profile.auth_file`.
        source: where the mapping comes from.
        toml: as `Profile.toml`.
    """

    name: str
    containers_image: str
    consumer: Consumer
    crio_short_name_mode: Literal["enforcing", "disabled"] | None = None
    auth_file: str | None = None
    source: str = ""
    toml: str | None = None


_GO_MOD = "the program's go.mod at the release tag"
_BUILT_USING = "the distribution package's Built-Using field"
_KUBELET_AUTH = "/var/lib/kubelet/config.json"


def _products() -> dict[str, Product]:
    rows: list[Product] = []

    def add(name: str, version: str, consumer: Consumer, source: str, **kw: object) -> None:
        rows.append(Product(name, version, consumer, source=source, **kw))  # type: ignore[arg-type]

    for name, version in (
        ("podman-4.3", "5.23.1"),
        ("podman-4.4", "5.24.1"),
        ("podman-4.5", "5.25.0"),
        ("podman-4.6", "5.26.1"),
        ("podman-4.7", "5.28.0"),
        ("podman-4.8", "5.29.0"),
        ("podman-4.9", "5.29.2"),
        ("podman-5.0", "5.30.1"),
        ("podman-5.1", "5.31.1"),
        ("podman-5.2", "5.32.2"),
        ("podman-5.3", "5.33.1"),
        ("podman-5.4", "5.34.3"),
        ("podman-5.5", "5.35.0"),
        ("podman-5.6", "5.36.2"),
        ("podman-5.7", "5.38.0"),
        ("podman-5.8", "5.39.2"),
        ("podman-6.1", "5.41.1"),
    ):
        add(name, version, "podman", _GO_MOD)
    # Debian builds link Debian's own BurntSushi/toml: 14 (forky) has 1.6.0 where the upstream
    # go.mod of containers/image 5.39 asks for 1.5.0 (the others agree with their go.mod).
    for name, version, toml in (
        ("debian-12", "5.23.1", None),
        ("ubuntu-24.04", "5.29.2", None),
        ("debian-13", "5.34.2", None),
        ("debian-14", "5.39.2", "1.6"),
    ):
        add(name, version, "podman", _BUILT_USING, toml=toml)
    for name, version in (
        ("rhel-9.4", "5.29.5"),
        ("rhel-9.5", "5.32.2"),
        ("rhel-9.6", "5.34.3"),
        ("rhel-10.0", "5.34.3"),
        ("rhel-9.7", "5.36.2"),
        ("rhel-10.1", "5.36.2"),
    ):
        add(name, version, "podman", "the go.mod of the podman RHEL branch of that release")
    for name, version, toml in (
        ("skopeo-1.9", "5.23.1", None),
        ("skopeo-1.13", "5.29.2", None),
        ("skopeo-1.18", "5.34.2", None),
        ("skopeo-1.22", "5.39.2", "1.6"),
    ):
        add(name, version, "skopeo", _BUILT_USING, toml=toml)
    crio = {
        25: "5.23.1",
        26: "5.24.2",
        27: "5.25.0",
        28: "5.27.0",
        29: "5.29.0",
        30: "5.29.3",
        31: "5.32.2",
        32: "5.34.1",
        33: "5.35.0",
        34: "5.36.2",
        35: "5.38.0",
    }
    for minor, version in crio.items():
        # CRI-O 1.34 reads short_name_mode from crio.conf; its default is enforcing.
        mode = "enforcing" if minor >= 34 else None
        add(f"crio-1.{minor}", version, "cri-o", _GO_MOD, crio_short_name_mode=mode)
        # OpenShift 4.N ships CRI-O 1.(N+13); the MCO's crio.conf sets short_name_mode =
        # "disabled" and global_auth_file to the kubelet's pull secret.
        ocp = f"ocp-4.{minor - 13}"
        add(
            ocp,
            version,
            "cri-o",
            "CRI-O 1.(N+13) for OpenShift 4.N, and the MCO's crio.conf template",
            crio_short_name_mode="disabled" if minor >= 34 else None,
            auth_file=_KUBELET_AUTH,
        )
    for name in ("podman", "buildah", "skopeo"):
        add(name, DEFAULT_VERSION, name, "the default library version")  # type: ignore[arg-type]
    return {p.name: p for p in rows}


#: Every product shorthand ``--as`` accepts.
PRODUCTS: Final = _products()


def product_profile(name: str) -> Profile:
    """The profile of a product shorthand (``podman-4.3``, ``ocp-4.18``, ...).

    Raises:
        InvalidProfile: an unknown name (the message lists the known ones).
    """
    product = PRODUCTS.get(name.strip().lower())
    if product is None:
        known = ", ".join(sorted(PRODUCTS))
        raise InvalidProfile(f"unknown product {name!r}: known are {known}")
    return Profile(
        product.containers_image,
        product.consumer,
        product.crio_short_name_mode,
        product.auth_file,
        product.name,
        product.toml,
    )
