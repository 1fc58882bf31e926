"""Bad and valid inputs for every property of every resource, as data.

``BAD[resource][property]`` lists values that check must refuse, naming that property;
``VALID[resource][property]`` lists values at the documented limits that check must accept;
``UNKNOWN_PROPERTIES[resource]`` lists property names no resource declares; ``MINIMAL[resource]``
is the smallest valid set of inputs, to which one property at a time is added.

The limits come from the Pinecone control-plane reference (API 2025-04): index and collection
names 1-45 characters of ``a-z0-9-`` starting and ending alphanumeric; tag keys at most 80
characters of letters, digits, ``_`` and ``-``; tag values at most 120 characters of letters,
digits, space and ``; @ _ - . +``; ``deletion_protection`` ``enabled`` or ``disabled``;
dimension 1-20000; cloud ``aws``/``gcp``/``azure``. Our own rules: backup ids are 1-128
characters of ``A-Za-z0-9_-`` (UUIDs and the spec's ``bkp_123abc`` both fit); regions 1-64
characters of ``a-z0-9-``; time budgets are 1 s to 7 days, as seconds or h/m/s parts (each
unit once, largest first, no spaces). Backup names and descriptions have no length limit (the
API documents none). ``MESSAGES`` pins the words of some refusals; ``CONTROLLER_HOST_BAD`` /
``CONTROLLER_HOST_VALID`` are the controller-host rule's corpus (URL tricks included).

``None`` for a required property stands for "missing"; optional properties never list ``None``
as bad, because omitting them is allowed. ``auto_name_seed`` is not listed: the resource
classes set it, users never do.
"""

from __future__ import annotations

from typing import Any

from pulumi.runtime.rpc import UNKNOWN

INDEX_NAME_BAD: list[Any] = [
    "",
    "-abc",
    "abc-",
    "Abc",
    "ab_c",
    "ab.c",
    "ab c",
    "x" * 46,
    "abc\n",
    "\nabc",
    "ab/c",
    "..",
    "\u00e1bc",
    "abc\x00",
    12,
    1.5,
    True,
    ["abc"],
    {"n": "abc"},
]
INDEX_NAME_VALID: list[Any] = ["a", "0", "x" * 45, "a" + "-" * 43 + "b", "0index9-a"]

TAGS_BAD: list[Any] = [
    {"bad key": "v"},
    {"k" * 81: "v"},
    {"": "v"},
    {"env\n": "v"},
    {"env": "v\n"},
    {"env": "a/b"},
    {"env": "x" * 121},
    {"env": ""},
    {"env": 3},
    {"env": True},
    {"env": {"nested": "x"}},
    {"k\u00e9": "v"},
    {"env": "\u00e9"},
    {"env": "a,b"},
    {"env": "tab\there"},
    ["env"],
    "env=prod",
    5,
    {"env": None},
    {"env": ["a"]},
    {"env": []},
    {"env": ["a", UNKNOWN]},
    {"env": [UNKNOWN]},
    {"env": {"nested": UNKNOWN}},
    {"ok": "v", "env": ("a", "b")},
]
TAGS_VALID: list[Any] = [
    {},
    {"k" * 80: "v"},
    {"a": "x" * 120},
    {"team_a-1": "ops@example.com; v1.2+3 x"},
    {"K_-9": " "},
]

PROTECTION_BAD: list[Any] = [
    "on",
    "Enabled",
    "ENABLED",
    "enabled\n",
    " enabled",
    "",
    True,
    1,
    ["enabled"],
]
PROTECTION_VALID: list[Any] = ["enabled", "disabled"]

BUDGET_BAD: list[Any] = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    1e400,  # a float literal this large is inf
    float("nan"),
    "1e999",
    "1e400",
    10**400,
    -1,
    0,
    0.0,
    "0",
    "0s",
    -5.0,
    "-30m",
    True,
    False,
    "abc",
    "",
    "30x",
    "1h30",
    "8d",
    "1_000",
    604801,
    "169h",
    10**9,
    [30],
    {"s": 30},
    "1h1h",
    "1m1h",
    "1s1s",
    "30s1m",
    "1h1m1h",
    "60 s",
    "1h 30m",
    " 30m",
    "30m ",
    "30m\n",
    "30M",
    "1ms",
    "1d",
    "1e-300",
    1e-300,
    5e-324,
    0.5,
    0.999,
    "0.5s",
    "0.5",
]
BUDGET_VALID: list[Any] = [
    1,
    1.0,
    "1",
    "1s",
    "1h30m0s",
    "1.5h",
    "2h0.5m",
    "90s",
    "20m",
    "1h30m",
    "168h",
    604800,
    604800.0,
    "600",
    "2.5h",
    "10080m",
]

FORCE_DESTROY_BAD: list[Any] = ["true", "yes", 1, 0, "false", ["x"], {"a": 1}]
FORCE_DESTROY_VALID: list[Any] = [True, False]

BACKUP_ID_BAD: list[Any] = [
    None,
    "",
    "   ",
    123,
    True,
    ["id"],
    "../indexes/src-idx/backups?",
    "a/b",
    "id?x=1",
    "id#frag",
    "id\n",
    "x" * 129,
    "bkp 1",
    "..",
    ".",
    "%2e%2e",
    "id;drop",
    "bkp\x00",
    "\u00e9",
]
BACKUP_ID_VALID: list[Any] = [
    "bkp_123abc",
    "0f8fad5b-d9cb-469f-a165-70867728950e",
    "x" * 128,
    "a",
    "A-Z_0-9",
]

CLOUD_BAD: list[Any] = [None, "", "AWS", "aws\n", "gcpp", "amazon", 1, True, ["aws"]]
CLOUD_VALID: list[Any] = ["aws", "gcp", "azure"]

REGION_BAD: list[Any] = [
    None,
    "",
    "   ",
    5,
    "us-east-1\n",
    "us/east-1",
    "../x",
    "us east",
    "x" * 65,
    ["us-east-1"],
    "US-EAST-1",
]
REGION_VALID: list[Any] = ["us-east-1", "eastus2", "europe-west4", "x" * 64]

DIMENSION_BAD: list[Any] = [0, -1, 20001, 1.5, "8", True, "abc", [8], float("nan"), float("inf")]
DIMENSION_VALID: list[Any] = [1, 20000, 8.0, 1536]

METRIC_BAD: list[Any] = ["Cosine", "cosine\n", "l2", "", 1, True, ["cosine"]]
METRIC_VALID: list[Any] = ["cosine", "euclidean", "dotproduct"]

BACKUP_NAME_BAD: list[Any] = ["", "   ", 5, True, ["n"], {"a": "b"}, "nightly\n", "a\x00b"]
# The API documents no length limit on a backup's name or description: Pinecone judges them.
BACKUP_NAME_VALID: list[Any] = [
    "backup_2024_03_15",
    "nightly-1",
    "Name With Spaces",
    "x" * 500,
    "x" * 100_000,
]

DESCRIPTION_BAD: list[Any] = [5, True, ["d"], {"k": "v"}, "bad\x00byte", "bell\x07"]
DESCRIPTION_VALID: list[Any] = [
    "",
    "taken before the migration",
    "two\nlines\tand a tab",
    "x" * 100_000,
]

TRIGGER_BAD: list[Any] = [["x"], {"a": 1}, float("nan"), float("inf")]
TRIGGER_VALID: list[Any] = ["2025-01-01", 3, 1.5]

# A connection names where the key is and the control plane; its host obeys the host rule.
CONNECTION_BAD: list[Any] = [
    {"controller_host": "http://other.invalid:80\\@127.0.0.1:1"},
    {"controller_host": "http://127.0.0.1:1#@other.invalid"},
    {"controller_host": "http://user@127.0.0.1:1"},
    {"controller_host": "http://other.invalid"},
    {"controller_host": "http://x.localhost:1"},
    {"controller_host": "http://127.1:1"},
    {"controller_host": "http://127.0.0.1:1\n"},
    {"controller_host": "ftp://127.0.0.1"},
    {"controller_host": ""},
    {"controller_host": 5},
    {"api_key_config": "no-namespace"},
    {"api_key_env": "1BAD"},
    {"api_key_config": "a:b", "api_key_env": "K"},
    {"api_key": "sk-not-here"},
    "https://api.pinecone.io",
    ["a:b"],
]
CONNECTION_VALID: list[Any] = [
    {},
    {"controller_host": "http://127.0.0.1:5080"},
    {"controller_host": "https://api.pinecone.io"},
    {"api_key_env": "PROD_PINECONE_KEY", "controller_host": "localhost:5080"},
    {"api_key_config": "pinecone-prod:apiKey"},
]

MEMBERS_BAD: list[Any] = [
    None,
    {},
    [],
    "x",
    5,
    {"a": "not-a-map"},
    {"a": {}},
    {"a": {"backup_id": "../indexes/x/backups?"}},
    {"a": {"backup_id": "bkp_1", "name": "Bad"}},
    {"a": {"backup_id": "bkp_1", "name": "same"}, "b": {"backup_id": "bkp_2", "name": "same"}},
    {"a": {"backup_id": "bkp_1", "create_timeout": "nan"}},
    {"a": {"backup_id": "bkp_1", "tags": {"k": "v\n"}}},
    {"a": {"backup_id": "bkp_1", "name": "abc\n"}},
    {"a": {"backup_id": "bkp_1", "tags": {"env": None}}},
    {"a": {"backup_id": "bkp_1", "tags": {"env": ["a", UNKNOWN]}}},
    {"a": {"backup_id": "bkp_1", "create_timeout": "1m1h"}},
    {"a": {"backup_id": "bkp_1", "delete_timeout": "8d"}},
]
MEMBERS_VALID: list[Any] = [
    {"a": {"backup_id": "bkp_1"}},
    {"a": {"backup_id": "bkp_1", "name": "x" * 45}, "b": {"backup_id": "bkp_2"}},
    {"a": {"backup_id": "bkp_1", "tags": {"k" * 80: "x" * 120}, "create_timeout": "168h"}},
]


def _index_common() -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    bad = {
        "name": INDEX_NAME_BAD,
        "tags": TAGS_BAD,
        "deletion_protection": PROTECTION_BAD,
        "create_timeout": BUDGET_BAD,
        "delete_timeout": BUDGET_BAD,
        "force_destroy": FORCE_DESTROY_BAD,
        "connection": CONNECTION_BAD,
    }
    valid = {
        "name": INDEX_NAME_VALID,
        "tags": TAGS_VALID,
        "deletion_protection": PROTECTION_VALID,
        "create_timeout": BUDGET_VALID,
        "delete_timeout": BUDGET_VALID,
        "force_destroy": FORCE_DESTROY_VALID,
        "connection": CONNECTION_VALID,
    }
    return bad, valid


_RESTORED_BAD, _RESTORED_VALID = _index_common()
_COLLECTION_BAD, _COLLECTION_VALID = _index_common()

BAD: dict[str, dict[str, list[Any]]] = {
    "RestoredIndex": {"backup_id": BACKUP_ID_BAD, **_RESTORED_BAD},
    "CollectionIndex": {
        "source_collection": [None, *INDEX_NAME_BAD],
        "cloud": CLOUD_BAD,
        "region": REGION_BAD,
        "dimension": DIMENSION_BAD,
        "metric": METRIC_BAD,
        **_COLLECTION_BAD,
    },
    "IndexBackup": {
        "source_index_name": [None, *INDEX_NAME_BAD],
        "name": BACKUP_NAME_BAD,
        "description": DESCRIPTION_BAD,
        "trigger": TRIGGER_BAD,
        "create_timeout": BUDGET_BAD,
        "delete_timeout": BUDGET_BAD,
        "connection": CONNECTION_BAD,
    },
    "RestoredIndexSet": {"members": MEMBERS_BAD},
}

VALID: dict[str, dict[str, list[Any]]] = {
    "RestoredIndex": {"backup_id": BACKUP_ID_VALID, **_RESTORED_VALID},
    "CollectionIndex": {
        "source_collection": INDEX_NAME_VALID,
        "cloud": CLOUD_VALID,
        "region": REGION_VALID,
        "dimension": DIMENSION_VALID,
        "metric": METRIC_VALID,
        **_COLLECTION_VALID,
    },
    "IndexBackup": {
        "source_index_name": INDEX_NAME_VALID,
        "name": BACKUP_NAME_VALID,
        "description": DESCRIPTION_VALID,
        "trigger": TRIGGER_VALID,
        "create_timeout": BUDGET_VALID,
        "delete_timeout": BUDGET_VALID,
        "connection": CONNECTION_VALID,
    },
    "RestoredIndexSet": {"members": MEMBERS_VALID},
}

# Bad values whose refusal must say these words (issue 17's cases, and the messages users
# met): (resource, property, value, words). Each value is also in BAD.
MESSAGES: list[tuple[str, str, Any, str]] = [
    ("RestoredIndex", "create_timeout", "1h1h", "each of h, m and s at most once, largest first"),
    ("RestoredIndex", "create_timeout", "1m1h", "each of h, m and s at most once, largest first"),
    ("IndexBackup", "create_timeout", "30s1m", "each of h, m and s at most once, largest first"),
    ("RestoredIndex", "create_timeout", "60 s", "without spaces"),
    ("CollectionIndex", "delete_timeout", "1h 30m", "without spaces"),
    ("RestoredIndex", "create_timeout", "1ms", "is not a duration"),
    ("RestoredIndex", "create_timeout", 1e-300, "shorter than the shortest budget, 1 second"),
    ("IndexBackup", "delete_timeout", 0.5, "shorter than the shortest budget, 1 second"),
    ("RestoredIndex", "create_timeout", "169h", "longer than the longest budget, 7 days"),
    ("RestoredIndex", "delete_timeout", 604801, "a wait that runs out of time"),
    ("IndexBackup", "delete_timeout", "169h", "a wait that runs out of time"),
    (
        "RestoredIndex",
        "connection",
        {"controller_host": "http://other.invalid:80\\@127.0.0.1:1"},
        "controller_host 'http://[userinfo hidden]@127.0.0.1:1' contains a backslash",
    ),
    (
        "IndexBackup",
        "connection",
        {"controller_host": "http://user@127.0.0.1:1"},
        "controller_host 'http://[userinfo hidden]@127.0.0.1:1' contains userinfo",
    ),
    (
        "CollectionIndex",
        "connection",
        {"controller_host": "http://x.localhost:1"},
        "plain http to a non-loopback host",
    ),
    ("RestoredIndex", "tags", {"env": None}, "tag 'env' has no value (None)"),
    ("CollectionIndex", "tags", {"env": None}, "tag 'env' has no value (None)"),
    ("RestoredIndex", "tags", {"env": ["a"]}, "tag 'env' has a list as its value"),
    ("RestoredIndex", "tags", {"env": ["a", UNKNOWN]}, "tag 'env' has a list as its value"),
    ("CollectionIndex", "tags", {"env": [UNKNOWN]}, "tag 'env' has a list as its value"),
    ("RestoredIndex", "tags", {"env": {"nested": UNKNOWN}}, "tag 'env' has a map as its value"),
    (
        "RestoredIndexSet",
        "members",
        {"a": {"backup_id": "bkp_1", "tags": {"env": None}}},
        "members[a]: tags: tag 'env' has no value (None)",
    ),
    (
        "RestoredIndexSet",
        "members",
        {"a": {"backup_id": "bkp_1", "tags": {"env": ["a", UNKNOWN]}}},
        "members[a]: tags: tag 'env' has a list as its value",
    ),
    (
        "RestoredIndexSet",
        "members",
        {"a": {"backup_id": "bkp_1", "create_timeout": "1m1h"}},
        "members[a]: create_timeout: '1m1h' repeats a unit",
    ),
]

# Controller hosts that every door (settings, Connection, provider config, CLI) must refuse,
# with words of the refusal. The tricks are ones where URL parsers disagree about the host;
# ``.invalid`` never resolves (RFC 2606), so nothing here can reach a network.
CONTROLLER_HOST_BAD: list[tuple[str, str]] = [
    ("http://other.invalid:80\\@127.0.0.1:1", "backslash"),
    ("http://other.invalid:80\\@127.0.0.1:1/", "backslash"),
    ("http://other.invalid\\.localhost", "backslash"),
    ("http://other.invalid\\@localhost", "backslash"),
    ("http://127.0.0.1\\@other.invalid", "backslash"),
    ("http:\\\\other.invalid", "backslash"),
    ("https://other.invalid/\\@127.0.0.1", "backslash"),
    ("http://user@127.0.0.1:1", "userinfo"),
    ("http://other.invalid@127.0.0.1", "userinfo"),
    ("http://127.0.0.1@other.invalid", "userinfo"),
    ("http://127.0.0.1:1@other.invalid:80", "userinfo"),
    ("https://user:sk-canary@api.pinecone.io", "userinfo"),
    ("http://[::1]@other.invalid", "userinfo"),
    ("http://127.0.0.1%2f@other.invalid", "userinfo"),
    ("http://127.0.0.1:1#@other.invalid", "query or fragment"),
    ("http://127.0.0.1:1?@other.invalid", "query or fragment"),
    ("http://other.invalid#@127.0.0.1", "query or fragment"),
    ("http://other.invalid?.localhost", "query or fragment"),
    ("http://127.0.0.1\t:1", "control character"),
    ("http://other.invalid\x00@127.0.0.1", "control character"),
    ("http://127.0.0.1 @other.invalid", "control character, space"),
    ("http://127.0.0.1:1\n", "control character"),
    ("\nhttp://127.0.0.1:1", "control character"),
    ("http://127.0.0.1\r\nHost: other.invalid", "control character"),
    ("http://\uff4f\uff54\uff48\uff45\uff52.invalid", "non-ASCII"),
    ("http://127\u30020.0.1", "non-ASCII"),
    ("http://%31%32%37.0.0.1", "percent-encoding"),
    ("http://[fe80::1%25lo]:1", "percent-encoding"),
    ("http://other.invalid", "plain http to a non-loopback host"),
    ("http://10.0.0.5:80", "plain http to a non-loopback host"),
    ("http://api.pinecone.io", "plain http to a non-loopback host"),
    ("http://x.localhost:1", "plain http to a non-loopback host"),
    ("http://localhost.other.invalid", "plain http to a non-loopback host"),
    ("http://127.0.0.1.nip.io", "plain http to a non-loopback host"),
    ("http://[::ffff:127.0.0.1]:1", "plain http to a non-loopback host"),
    ("http://0.0.0.0:1", "plain http to a non-loopback host"),
    ("http://localhost.", "neither a DNS name"),
    ("http://127.1", "neither a DNS name"),
    ("http://0x7f.1", "neither a DNS name"),
    ("http://2130706433", "neither a DNS name"),
    ("http://017700000001", "neither a DNS name"),
    ("http://127.000.000.001", "neither a DNS name"),
    ("http://0177.0.0.1", "neither a DNS name"),
    ("https://127.1", "neither a DNS name"),
    ("https://a..b", "neither a DNS name"),
    ("https://-a.invalid", "neither a DNS name"),
    ("https://a_b.invalid", "neither a DNS name"),
    ("https://" + "a" * 64 + ".invalid", "neither a DNS name"),
    ("http://[::1", "host[:port]"),
    ("http://::1", "host[:port]"),
    ("http://[::g]", "neither a DNS name"),
    ("http://[127.0.0.1]", "neither a DNS name"),
    ("http://127.0.0.1:1:2", "host[:port]"),
    ("http://127.0.0.1:0", "the port '0'"),
    ("http://127.0.0.1:65536", "the port '65536'"),
    ("http://127.0.0.1:", "the port ''"),
    ("http://127.0.0.1:+80", "the port '+80'"),
    ("http://127.0.0.1:8o", "the port '8o'"),
    ("http://", "neither a DNS name"),
    ("http://:80", "neither a DNS name"),
    ("https://a.invalid//other.invalid", "not plain"),
    ("https://a.invalid/../x", "not plain"),
    ("https://a.invalid/./x", "not plain"),
    ("https://a.invalid/a;b", "not plain"),
    ("http:/other.invalid", "scheme without '//'"),
    ("http:other.invalid", "scheme without '//'"),
    ("https:api.pinecone.io", "scheme without '//'"),
    ("ftp://127.0.0.1", "not an http(s) URL"),
    ("file:///etc/passwd", "not an http(s) URL"),
    ("javascript://127.0.0.1", "not an http(s) URL"),
    ("ws://127.0.0.1:1", "not an http(s) URL"),
    ("", "empty"),
    ("   ", "empty"),
]
# Accepted controller hosts and the base URL each becomes.
CONTROLLER_HOST_VALID: list[tuple[str, str]] = [
    ("https://api.pinecone.io", "https://api.pinecone.io"),
    ("api.pinecone.io", "https://api.pinecone.io"),
    ("HTTPS://API.Pinecone.IO/", "https://api.pinecone.io"),
    ("https://api.pinecone.io:443", "https://api.pinecone.io:443"),
    ("https://proxy.example/pinecone/", "https://proxy.example/pinecone"),
    ("127.0.0.1:5080", "http://127.0.0.1:5080"),
    ("http://127.0.0.1:5080/", "http://127.0.0.1:5080"),
    ("http://127.9.8.7:1", "http://127.9.8.7:1"),
    ("localhost:5080", "http://localhost:5080"),
    ("http://LOCALHOST:5080", "http://localhost:5080"),
    ("http://[::1]:9", "http://[::1]:9"),
    ("[0:0::1]:9", "http://[::1]:9"),
    ("https://10.0.0.5", "https://10.0.0.5"),
    ("https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443"),
    ("  https://api.pinecone.io  ", "https://api.pinecone.io"),
    ("https://xn--bcher-kva.example", "https://xn--bcher-kva.example"),
]

UNKNOWN_PROPERTIES: dict[str, list[str]] = {
    "RestoredIndex": ["backupId", "index_name", "tag", "deletionProtection", "timeout"],
    "CollectionIndex": ["collection", "dimensions", "spec", "pod_type"],
    "IndexBackup": ["index_name", "backup_name", "tags"],
    "RestoredIndexSet": ["member", "backups"],
}

MINIMAL: dict[str, dict[str, Any]] = {
    "RestoredIndex": {"backup_id": "bkp_123abc", "name": "restored"},
    "CollectionIndex": {"source_collection": "coll", "cloud": "aws", "region": "us-east-1"},
    "IndexBackup": {"source_index_name": "src-idx"},
    "RestoredIndexSet": {"members": {"a": {"backup_id": "bkp_123abc"}}},
}


def cases(table: dict[str, dict[str, list[Any]]]) -> list[tuple[str, str, Any]]:
    """Flatten ``table`` into ``(resource, property, value)`` triples."""
    return [
        (resource, prop, value)
        for resource, props in table.items()
        for prop, values in props.items()
        for value in values
    ]


def case_id(resource: str, prop: str, value: Any) -> str:
    """A short, printable test id for one case."""
    text = repr(value)
    return f"{resource}.{prop}={text[:40]}"
