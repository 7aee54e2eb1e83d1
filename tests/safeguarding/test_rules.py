"""The safeguarding check: measured on the labelled set, specific wordings both ways, the
escalation reply, hostile input, long messages and malformed rules."""

from __future__ import annotations

import multiprocessing
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import REPO_ROOT
from guidance_assistant.safeguarding.evaluate import (
    SafeguardingEvalError,
    SafeguardingReport,
    baseline_flag,
    evaluate_safeguarding,
    load_labelled_set,
)
from guidance_assistant.safeguarding.rules import (
    SafeguardingResult,
    SafeguardingRules,
    SafeguardingRulesError,
    default_rules_folder,
    detect_safeguarding,
    escalation_reply,
    normalise_text,
    promises_secrecy,
)

REQUIRED_CATEGORIES = {
    "abuse",
    "neglect",
    "self_harm",
    "suicidal_thoughts",
    "exploitation",
    "forced_marriage",
    "homelessness",
    "domestic_violence",
}
FRAMEWORKS = REPO_ROOT / "knowledge" / "frameworks"


@pytest.fixture(scope="module")
def report() -> SafeguardingReport:
    return evaluate_safeguarding()


@pytest.fixture(scope="module")
def rules() -> SafeguardingRules:
    return SafeguardingRules.load()


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A copy of the bundled rules folder that a test may break."""
    folder = tmp_path / "safeguarding"
    shutil.copytree(default_rules_folder(), folder)
    return folder


def _long_benign_text(size: int = 100_000) -> str:
    """Real careers-guidance prose (the bundled framework notes), repeated up to ``size``."""
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(FRAMEWORKS.glob("*.md")))
    assert text, "the framework notes are missing"
    while len(text) < size:
        text += "\n\n" + text
    return text[:size]


def _fastest(
    text: str, rules: SafeguardingRules, runs: int = 3
) -> tuple[float, SafeguardingResult]:
    best = float("inf")
    result = rules.detect(text)
    for _ in range(runs):
        started = time.perf_counter()
        result = rules.detect(text)
        best = min(best, time.perf_counter() - started)
    return best, result


# ---------------------------------------------------------------------------------------------
# The labelled set: computed recall and false-alarm rate, next to the keyword baseline
# ---------------------------------------------------------------------------------------------


def test_the_labelled_set_is_big_enough_and_covers_every_category() -> None:
    labelled = load_labelled_set()
    positives = [m for m in labelled.messages if m.expected]
    negatives = [m for m in labelled.messages if not m.expected]
    assert len(labelled.messages) >= 100
    assert len(positives) >= 45
    assert len(negatives) >= 55
    assert {m.category for m in positives} >= REQUIRED_CATEGORIES


def test_every_disclosure_in_the_labelled_set_is_caught(report: SafeguardingReport) -> None:
    missed = [f"{o.id}: {o.text}" for o in report.misses]
    assert not missed, "missed disclosures:\n" + "\n".join(missed)
    assert report.recall == 1.0
    assert report.detector.true_positives == report.positives


def test_false_alarms_on_the_hard_negatives_are_at_most_5_percent(
    report: SafeguardingReport,
) -> None:
    alarms = [f"{o.id}: {o.text} -> {o.reason}" for o in report.false_alarms]
    assert report.false_alarm_rate <= 0.05, "false alarms:\n" + "\n".join(alarms)
    assert report.detector.false_positives == len(report.false_alarms)


def test_every_category_is_fully_recalled(report: SafeguardingReport) -> None:
    for row in report.per_category:
        assert row.caught == row.total, row
    assert {row.category for row in report.per_category} >= REQUIRED_CATEGORIES


def test_the_keyword_baseline_is_measured_in_the_same_run_and_raises_more_false_alarms(
    report: SafeguardingReport,
) -> None:
    baseline = report.baseline
    counts = (
        baseline.true_positives
        + baseline.false_negatives
        + baseline.false_positives
        + baseline.true_negatives
    )
    assert counts == report.total
    assert baseline.false_alarm_rate > report.false_alarm_rate
    assert baseline.false_positives > 0
    assert baseline.recall <= report.recall
    assert baseline_flag("I'm dying to get into medicine")  # the naive list trips on idioms
    assert not detect_safeguarding("I'm dying to get into medicine").flagged


def test_the_report_renders_both_methods(report: SafeguardingReport) -> None:
    text = report.render()
    assert "detector" in text and "keyword baseline" in text
    assert "recall" in text and "false alarms" in text
    assert "Misses: none" in text
    for row in report.per_category:
        assert row.category in text


def test_a_malformed_labelled_set_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "messages.yaml"
    bad.write_text(
        "suite: safeguarding\nmessages:\n  - id: a\n    text: he hits me\n    expected: true\n"
        "  - id: b\n    text: hello\n    expected: false\n",
        encoding="utf-8",
    )
    with pytest.raises(SafeguardingEvalError, match=r"messages\.yaml.*needs a category"):
        evaluate_safeguarding(bad)
    bad.write_text(
        "suite: safeguarding\nmessages:\n  - id: a\n    text: he hits me\n    expected: true\n"
        "    category: not_a_category\n  - id: b\n    text: hello\n    expected: false\n",
        encoding="utf-8",
    )
    with pytest.raises(SafeguardingEvalError, match="not_a_category"):
        evaluate_safeguarding(bad)


# ---------------------------------------------------------------------------------------------
# Specific wordings, both ways
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I don't see the point in anything any more and I've been thinking about ending it",
         "suicidal_thoughts"),
        ("my stepdad said if I tell anyone he'll hurt me", "abuse"),
        ("I've been staying at different mates' houses since mum kicked me out", "homelessness"),
        ("there's these older boys who give me money to take packages", "exploitation"),
        ("i wanna kms", "suicidal_thoughts"),
        ("thinking about unaliving myself", "suicidal_thoughts"),
        ("I want to die", "suicidal_thoughts"),
        ("I cut myself last night", "self_harm"),
        ("he hits me", "abuse"),
        ("mum kicked me out", "homelessness"),
        ("sleeping on a mate's sofa", "homelessness"),
        ("they're making me marry my cousin", "forced_marriage"),
        ("older lads make me carry stuff", "exploitation"),
        ("my dad hits my mum", "domestic_violence"),
        ("there's never any food in the house", "neglect"),
        ("people keep telling me to kys", "bullying_with_risk"),
    ],
)  # fmt: skip
def test_disclosures_are_flagged_with_their_category(text: str, category: str) -> None:
    result = detect_safeguarding(text)
    assert result.flagged, text
    assert category in result.categories, (text, result.categories)
    assert result.category == result.categories[0]
    assert result.matched_text
    assert result.reason and "'" in result.reason


@pytest.mark.parametrize(
    "text",
    [
        "I'm dying to get into medicine",
        "I want to work in child protection",
        "I'd kill for that job",
        "this homework is killing me",
        "I'm killing it at maths",
        "my mum would kill me if I failed",
        "my dad will murder me if I fail maths",
        "I want to help kids who've been abused",
        "I volunteered at a homeless shelter",
        "we watched a film about forced marriage in PSHE",
        "I'm stressed about exams",
        "I don't know what to do with my life",
        "I want a career in social work with abused children",
        "I'm thinking about mental-health nursing",
        "I want to join the police or the army",
        "I want to study law",
        "a job to die for",
        "",
    ],
)
def test_everyday_language_is_not_flagged(text: str) -> None:
    result = detect_safeguarding(text)
    assert not result.flagged, (text, result.reason)
    assert result.category is None and result.categories == [] and result.matched_text is None


def test_the_reason_names_the_phrase_for_the_adviser() -> None:
    result = detect_safeguarding("Honestly I've been cutting myself again")
    assert result.category == "self_harm"
    assert result.reason.startswith("possible self-harm: '")
    assert "cutting" in result.reason


def test_every_matching_category_is_listed_in_priority_order() -> None:
    result = detect_safeguarding("mum kicked me out and I want to die")
    assert result.categories[:2] == ["suicidal_thoughts", "homelessness"]
    assert result.category == "suicidal_thoughts"


def test_a_denial_is_not_a_disclosure_but_a_partial_one_is() -> None:
    for text in (
        "I've never been hurt by anyone",
        "Nobody hits me, I just want to be a social worker",
        "I'm not homeless, I live with my nan",
        "I've never been abused, I'm interested in psychology",
    ):
        assert not detect_safeguarding(text).flagged, text
    for text in (
        "Nobody hits me anymore but my dad used to",
        "I'm not ok, I cut myself last night",
        "I can't stop thinking about dying",
        "I've never told anyone but my uncle touches me",
    ):
        assert detect_safeguarding(text).flagged, text


def test_an_everyday_phrase_does_not_hide_a_disclosure_in_the_same_message() -> None:
    assert detect_safeguarding("I'm dying to be a nurse. But honestly I want to die.").flagged
    assert detect_safeguarding("I want to be a nurse but I self harm").flagged
    assert detect_safeguarding("I want to work in child protection because my dad hits me").flagged


def test_many_more_disclosure_wordings_are_flagged() -> None:
    missed = [text for text in MORE_DISCLOSURES if not detect_safeguarding(text).flagged]
    assert not missed, "missed:\n" + "\n".join(missed)


def test_many_more_everyday_wordings_are_not_flagged() -> None:
    alarms = [
        f"{text} -> {result.reason}"
        for text in MORE_EVERYDAY
        if (result := detect_safeguarding(text)).flagged
    ]
    assert not alarms, "false alarms:\n" + "\n".join(alarms)


# ---------------------------------------------------------------------------------------------
# The escalation reply
# ---------------------------------------------------------------------------------------------

SECRECY_PROMISES = (
    "i won't tell",
    "i will not tell",
    "i promise not to tell",
    "keep it secret",
    "keep this secret",
    "is confidential",
    "stays confidential",
    "this stays between us",
)


@pytest.mark.parametrize("plain_language", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2, 3, 17])
def test_the_reply_signposts_and_never_promises_secrecy(seed: int, plain_language: bool) -> None:
    result = detect_safeguarding("I've been cutting myself")
    reply = escalation_reply(result, seed=seed, plain_language=plain_language)
    for number in ("999", "0800 1111", "116 123"):
        assert number in reply
    assert "Childline" in reply and "Samaritans" in reply
    assert "designated safeguarding lead" in reply
    lowered = reply.lower().replace("’", "'")
    assert not any(promise in lowered for promise in SECRECY_PROMISES)
    assert "can't keep this just between us" in lowered
    assert lowered.count("between us") == lowered.count("can't keep this just between us")
    assert not promises_secrecy(reply)


def test_the_reply_adds_the_services_of_the_category() -> None:
    homeless = escalation_reply(detect_safeguarding("mum kicked me out last night"))
    assert "0808 800 4444" in homeless  # Shelter
    married = escalation_reply(detect_safeguarding("they're forcing me to marry my cousin"))
    assert "020 7008 0151" in married  # Forced Marriage Unit
    violence = escalation_reply(detect_safeguarding("my dad hits my mum"))
    assert "0808 2000 247" in violence  # National Domestic Abuse Helpline
    self_harm = escalation_reply(detect_safeguarding("I cut myself"))
    assert "0808 800 4444" not in self_harm and "020 7008 0151" not in self_harm


def test_the_reply_varies_with_the_seed_and_is_deterministic() -> None:
    result = detect_safeguarding("he hits me")
    replies = {escalation_reply(result, seed=seed) for seed in range(8)}
    assert len(replies) > 1
    assert escalation_reply(result, seed=5) == escalation_reply(result, seed=5)


def test_plain_language_changes_the_wording() -> None:
    result = detect_safeguarding("he hits me")
    assert escalation_reply(result, plain_language=True) != escalation_reply(result)


def test_an_unflagged_result_still_gets_the_general_reply() -> None:
    reply = escalation_reply(SafeguardingResult(flagged=False, reason="adviser escalated"))
    assert "0800 1111" in reply and "designated safeguarding lead" in reply


def test_promises_secrecy_spots_a_promise() -> None:
    assert promises_secrecy("Don't worry, I won't tell anyone.")
    assert promises_secrecy("This is just between us.")
    assert promises_secrecy("What you say here is confidential.")
    assert not promises_secrecy("I can't keep this just between us.")


# ---------------------------------------------------------------------------------------------
# Hostile and odd input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\n\t\r", "\x00\x01\x02\x1b[31m", "\u200b\u200c\u200d\ufeff", "<p></p>", "&nbsp;"],
)
def test_empty_or_invisible_input_is_not_flagged(text: str) -> None:
    result = detect_safeguarding(text)
    assert not result.flagged
    assert result.reason


@pytest.mark.parametrize(
    "text",
    [
        "i want\x00 to d\x07ie",
        "i want to d\u200bie",
        "k\u200bi\u200bl\u200bl myself",
        "ｉ ｗａｎｔ ｔｏ ｄｉｅ",
        "і want to dіe",  # Cyrillic і
        "I want to <b>die</b>",
        "<p>he&nbsp;hits&nbsp;me</p>",
        "<script>alert(1)</script>i want to die",
        "i want to k1ll mys3lf",
        "I want to d!e",
        "thinking about s*icide",
        "k i l l m y s e l f",
        "I WANT TO DIE",
        "i want to dieeee",
        "I don’t want to be alive any more",
        "self-harming again",
        "i want to die 😭😭",
    ],
)
def test_disguised_or_decorated_disclosures_are_still_flagged(text: str) -> None:
    assert detect_safeguarding(text).flagged, (text, normalise_text(text))


def test_non_text_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        detect_safeguarding(None)  # type: ignore[arg-type]


def test_results_are_deterministic_and_frozen() -> None:
    first = detect_safeguarding("he hits me")
    assert first == detect_safeguarding("he hits me")
    with pytest.raises(ValidationError):
        first.flagged = False  # type: ignore[misc]


def test_normalisation() -> None:
    assert normalise_text("  I’m   SOOOO\u200b tired<br/>of it &amp; done  ") == (
        "im so tired of it and done"
    )
    assert normalise_text("self-harm — again") == "self harm again"


def test_a_huge_benign_message_is_fast_and_not_flagged(rules: SafeguardingRules) -> None:
    text = _long_benign_text()
    seconds, result = _fastest(text, rules)
    assert not result.flagged, result.reason
    # Typically 20-40 ms here; the bound only catches a regression to whole-text scanning
    # (seconds) without failing on a busy CI machine.
    assert seconds < 0.25, f"{seconds * 1000:.0f} ms for 100,000 characters"


@pytest.mark.parametrize(
    "text",
    [
        "a" * 100_000,
        "ab " * 33_334,
        "\x00" * 100_000,
        "\u200b" * 100_000,
        "<b>" * 33_334,
        "ж" * 100_000,
        "1" * 100_000,
        "k1ll " * 20_000,
        "a b " * 25_000,
    ],
)
def test_huge_odd_messages_stay_fast(text: str, rules: SafeguardingRules) -> None:
    seconds, _ = _fastest(text, rules, runs=1)
    assert seconds < 0.25, f"{seconds * 1000:.0f} ms"


@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_a_disclosure_inside_a_huge_message_is_found(where: str, rules: SafeguardingRules) -> None:
    text = _long_benign_text(99_900)
    disclosure = " I want to die. "
    position = {"start": 0, "middle": len(text) // 2, "end": len(text)}[where]
    position = text.rfind(" ", 0, position) + 1 if position else 0
    message = text[:position] + disclosure + text[position:]
    seconds, result = _fastest(message, rules, runs=1)
    assert result.flagged and result.category == "suicidal_thoughts"
    assert seconds < 0.25


def test_the_long_message_index_never_changes_a_result(rules: SafeguardingRules) -> None:
    """Long messages run only the patterns Hyperscan says could match: check against a full scan
    with every labelled message and many more wordings hidden in a long document."""
    document = _long_benign_text(2_500)
    texts = [m.text for m in load_labelled_set().messages]
    texts += list(MORE_DISCLOSURES[::7]) + list(MORE_EVERYDAY[::9])
    for number, text in enumerate(texts):
        cut = document.rfind(" ", 0, (number * 997) % len(document)) + 1
        message = f"{document[:cut]} {text}. {document[cut:]}"
        indexed = rules.detect(message)
        full = rules.detect(message, scan_whole_text=True)
        assert (indexed.flagged, indexed.categories) == (full.flagged, full.categories), text


@pytest.mark.slow
def test_the_prefilter_never_changes_a_result_on_the_whole_bank(rules: SafeguardingRules) -> None:
    """Every message of the safeguarding bank and rounds, hidden in a long document, flags
    exactly as a scan by every pattern does (the prefilter only ever skips what cannot match)."""
    from guidance_assistant.safeguarding.bank import (
        development_files,
        first_contact_files,
        load_messages,
    )

    document = " ".join(
        [
            "I would like to know more about apprenticeships in engineering at the college.",
            "My predicted grades are mostly fives and sixes, and I enjoy design technology.",
            "We looked at the open day dates and the bus routes from our village last week.",
        ]
        * 8
    )
    assert len(document) > 1_500  # long enough for the prefilter to be used
    files = [*development_files(), *first_contact_files()]
    texts = [m.text for f in files for m in load_messages(f)]
    assert rules._prefilter.candidates(document) is not None  # Hyperscan is really in use
    messages = []
    for number, text in enumerate(texts):
        cut = document.rfind(" ", 0, (number * 997) % len(document)) + 1
        messages.append(f"{document[:cut]} {text}. {document[cut:]}")
    # The whole scans (every pattern over every message: nearly all of this test's time) are
    # shared with a second process, so that both cores work; this process checks every result.
    half, spawn = len(messages) // 2, multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        second_half = pool.submit(_whole_scans, messages[half:])
        whole = _whole_scans(messages[:half], rules)
        prefiltered = [rules.detect(message) for message in messages]
        whole += second_half.result()
    assert len(whole) == len(messages)
    for text, fast, full in zip(texts, prefiltered, whole, strict=True):
        assert (fast.flagged, fast.categories) == full, text


def _whole_scans(
    messages: list[str], rules: SafeguardingRules | None = None
) -> list[tuple[bool, list[str]]]:
    """Each message searched whole by every pattern of the rules (the bundled ones when not
    given; no prefilter)."""
    rules = rules or SafeguardingRules.load()
    return [
        (full.flagged, full.categories)
        for full in (rules.detect(m, scan_whole_text=True) for m in messages)
    ]


# ---------------------------------------------------------------------------------------------
# Loading the rules
# ---------------------------------------------------------------------------------------------


def test_rules_load_from_a_folder_and_are_cached(rules_copy: Path) -> None:
    first = SafeguardingRules.load(rules_copy)
    assert SafeguardingRules.load(rules_copy) is first
    assert set(first.category_ids) >= REQUIRED_CATEGORIES
    assert first.label("self_harm") == "possible self-harm"


def test_an_expert_can_add_a_pattern(rules_copy: Path) -> None:
    path = rules_copy / "categories.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["categories"][0]["patterns"].append(r"\bpurple elephant\b")
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    custom = SafeguardingRules.load(rules_copy)
    assert custom.detect("I saw a purple elephant").flagged
    assert not detect_safeguarding("I saw a purple elephant").flagged


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("categories.yaml", "categories:\n", "categories:\n  - [oops\n", r"not valid YAML at line"),
        ("categories.yaml", "  - id: self_harm\n", "  - id: self_harm\n    colour: red\n",
         r"colour.*Extra inputs"),
        ("categories.yaml", "      - '\\bkms\\b'\n", "      - '\\bkms(\\b'\n",
         r"category 'suicidal_thoughts' pattern \d+ .*not a valid regular expression"),
        ("categories.yaml", "      - '\\bkms\\b'\n", "      - '(?:kms)?'\n", r"matches empty text"),
        ("categories.yaml", "      - '\\bkms\\b'\n", "      - '\\bKMS\\b'\n", r"capital letters"),
        ("categories.yaml", "      - '\\bkms\\b'\n", "      - '\\b{nope}\\b'\n", r"no macro 'nope'"),
        ("categories.yaml", "signposting: [shelter]", "signposting: [housing_team]",
         r"signposts 'housing_team'"),
        ("categories.yaml", "  - id: neglect\n", "  - id: abuse\n", r"'abuse' appears twice"),
        ("response.yaml", "call 0800 1111", "call 0800 2222", r"0800 1111"),
        ("response.yaml", "call 116 123", "call us", r"116 123"),
        ("response.yaml", "designated safeguarding lead today so",
         "safeguarding team today so", r"designated safeguarding lead"),
        ("response.yaml", "I'm glad you told me.", "I won't tell anyone, I promise.",
         r"promises secrecy"),
        ("response.yaml", "I can't keep this just between us, because",
         "This is just between us, because", r"promises secrecy|no_secrecy"),
        ("response.yaml", "always_signpost: [emergency, childline, samaritans]",
         "always_signpost: [emergency, childline, samaritans, helpline]", r"'helpline'"),
    ],
)  # fmt: skip
def test_a_malformed_rules_file_is_a_clear_error(
    rules_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    _edit(rules_copy / file, old, new)
    with pytest.raises(SafeguardingRulesError, match=message) as caught:
        SafeguardingRules.load(rules_copy)
    assert file in str(caught.value)
    assert isinstance(caught.value, GuidanceAssistantError)


def test_a_missing_rules_file_or_folder_is_a_clear_error(rules_copy: Path, tmp_path: Path) -> None:
    (rules_copy / "response.yaml").unlink()
    with pytest.raises(SafeguardingRulesError, match=r"response\.yaml: file missing"):
        SafeguardingRules.load(rules_copy)
    with pytest.raises(SafeguardingRulesError, match="does not exist"):
        SafeguardingRules.load(tmp_path / "nowhere")


def test_an_edited_rules_file_is_read_again(rules_copy: Path) -> None:
    first = SafeguardingRules.load(rules_copy)
    path = rules_copy / "categories.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert SafeguardingRules.load(rules_copy) is not first


# ---------------------------------------------------------------------------------------------
# More wordings (written for these tests; kept apart from the labelled set)
# ---------------------------------------------------------------------------------------------

MORE_DISCLOSURES: tuple[str, ...] = (
    "i just want it all to end",
    "I feel like ending it all",
    "sometimes i think about jumping in front of a train",
    "ngl ive been having suicidal thoughts",
    "I tried to kill myself last year and I still think about it",
    "I'm thinking of taking an overdose",
    "no one would care if i died",
    "i want to k1ll mys3lf",
    "I want to d!e",
    "i want to s*icide",
    "<b>I want to die</b>",
    "i w\u200bant to d\u200bie",
    "ｉ ｗａｎｔ ｔｏ ｄｉｅ",
    "і want to dіe",
    "k i l l  m y s e l f",
    "I can't cope anymore",
    "i hate my life i wish i was dead",
    "i've been self-harming since year 9",
    "I scratch myself until it bleeds",
    "my arms are covered in cuts and I hide them with long sleeves",
    "i relapsed last night, cut again",
    "My dad beats me",
    "mum slaps me when she's angry",
    "my brother's mate touched me at a party and I don't know what to do",
    "I was raped last year",
    "my step-mum won't let me eat with the family and locks the fridge",
    "My dad's girlfriend hits me",
    "my mum's boyfriend punched me",
    "my dad threw a chair at me",
    "i'm scared of my dad",
    "I don't feel safe at home",
    "we haven't got any food at home",
    "mum's off her face most nights so I make tea for my sisters",
    "my mum left me on my own all weekend again",
    "the olders got me holding stuff",
    "i sell weed for some older guys",
    "a man I met on snapchat wants to meet up and told me not to tell my mum",
    "my bf is 22 and i'm 14",
    "some guy is blackmailing me with my pics",
    "my family is forcing me to get married",
    "they want me to marry a man from back home who's twice my age",
    "they took my passport so I can't leave",
    "i've been sofa surfing since christmas",
    "i'm sleeping rough",
    "mum threw me out last night",
    "we've got nowhere to live",
    "we're being evicted next week and I don't know where we'll go",
    "dad kicks off and hits mum",
    "there's domestic violence at home",
    "he hurts my mum",
    "people keep saying they'll beat me up after school",
    "someone threatened to stab me",
    "everyone at school tells me to go kill myself",
    "i take a knife to school for protection",
    "I'm being bullied every day",
    "Nobody hits me anymore but my dad used to",
    "I've never told anyone but my uncle touches me",
    "I'm not ok, I cut myself last night",
    "honestly no i want to die",
    "i don't want to be here anymore",
    "I've got nothing to live for",
    "I'm thinking about killing myself",
    "my boyfriend makes me have sex when I don't want to",
    "my dad said he'd kill me if I told anyone",
    "I'm not allowed home until dad's calmed down",
    "I think about death a lot, like I want to not exist",
    "What's the point of careers when I won't be alive by then",
    "i've got pills saved up for when it gets too much",
    "I overdosed in year 10",
    "been feeling suicidal again",
    "thinking of ending things tbh",
    "I don't wanna live anymore",
    "i wanna unalive",
    "i'm going to end my life",
    "i started self harming again",
    "I've been hurting myself",
    "i keep cutting my legs so no one can see",
    "i burn my arms with a lighter",
    "I don't eat for days to punish myself",
    "my dad punches me when he's angry",
    "mum's boyfriend hits me and my little brother",
    "my uncle raped me",
    "he made me do sexual stuff",
    "my foster dad watches me in the shower",
    "i get hit at home",
    "my parents beat me for getting bad grades",
    "my dad said he'll kill me if I tell anyone what he does",
    "dad locked me out all night in the rain",
    "there's no food in the house again",
    "mum doesn't feed us",
    "i haven't eaten for two days",
    "mum's always out and leaves me with my baby sister overnight",
    "my dad's on drugs and never gets up",
    "some older kids pay me to drop off packages",
    "I've been running lines for my cousin's mates",
    "they make me keep drugs at my house",
    "I owe a dealer £500",
    "this man online keeps buying me robux and asked me to send photos",
    "my 30 year old boyfriend says I'm mature for 15",
    "someone got my nudes and is threatening to post them",
    "my parents found me someone to marry and I'm only 17",
    "they're taking me to Bangladesh to get married in the summer",
    "I have to marry my cousin",
    "I'm being forced into a marriage",
    "they said I'll shame the family if I don't marry him",
    "I got kicked out by my mum last week",
    "I'm living in a tent",
    "i've been sleeping at the bus station",
    "we have to leave our flat and have nowhere to go",
    "i'm homeless",
    "my mum's boyfriend beats her up",
    "my dad hit my mum last night and the police came",
    "I'm scared he'll kill mum",
    "my ex strangled me",
    "my husband won't let me see my friends and takes all my money",
    "they jumped me after school and took my phone",
    "someone keeps messaging me telling me to kill myself",
    "I'm being bullied and they said they'll hurt me",
    "i have a knife in my bag",
    "they posted my nudes in the group chat",
    "I've never felt safe at home",
    "Not gonna lie I want to die",
    "He never hits me when other people are around",
    "No one knows that I cut",
    "i don't think i want to be alive",
    "I've written goodbye letters to my friends",
    "sometimes I stand on the bridge near college and think about jumping",
    "I don't think I'll make it to 18",
    "i want to go to sleep forever",
    "I'm planning to take all my mum's pills tonight",
    "everyone would be happier if I was gone",
    "i've been thinking it'd be easier if i just wasn't around",
    "life isn't worth living",
    "I've been cutting for a year",
    "i scratch my arms till they bleed",
    "I hit myself when I mess up",
    "I've got fresh cuts on my thighs",
    "my dad gets drunk and batters me",
    "My mum's boyfriend makes me sit on his lap and it feels wrong",
    "my stepdad comes into the bathroom when i'm in the shower",
    "I have marks on my neck from my dad",
    "my nan hits me with a slipper",
    "my dad chucks things at me when he's angry",
    "My coach sends me messages at night and says not to tell my parents",
    "I'm frightened to go back home after what happened",
    "I've had no dinner for a week, mum spends it all on drink",
    "I've been off school for months cos I look after my mum and nobody checks",
    "my mum hasn't been home since Tuesday",
    "there's mould everywhere and no food, dad's never sober",
    "i'm holding a bag for some guys from the estate",
    "they said if I don't do the run they'll hurt my little sister",
    "the older boys take us to parties and give us alcohol and then make us do stuff",
    "a guy on insta offered me £200 to do a delivery",
    "I've been talking to a 40 year old man online",
    "I'm supposed to be getting married in the summer holidays and I'm 15",
    "My parents will disown me if I don't marry who they choose",
    "my family are planning my wedding to a man I don't know",
    "They're sending me back to Somalia to get married",
    "I'm staying in a homeless hostel",
    "I've got nowhere to sleep tonight",
    "i've been sleeping in stairwells",
    "My mum told me to get out and not come back",
    "I've been living on the streets for a few weeks",
    "we're living in one room in a hotel, the council put us there",
    "dad pushed mum down the stairs",
    "my mum's partner is violent",
    "i called the police last night cos he was hitting my mum",
    "my boyfriend hit me",
    "my girlfriend threatens to hurt herself if I see my mates",
    "my dad threatened mum with a knife",
    "they said they'd stab me if i come to school tomorrow",
    "some boys from the other school are after me and I'm scared to leave the house",
    "I got battered by a group of lads on the way home",
    "they shared a video of me getting beaten up",
    "i feel like i'm a waste of space and should just end it",
    "Sometimes I think about driving my car into a wall",
    "i've attempted before",
    "I cant stop thinking about dying",
    "I tried to hang myself in the summer",
    "idk i just dont want to be here anymore",
    "I've been hurting myself again, I'm sorry",
    "i've got cuts all up my arm",
    "I pull my hair out and pick my skin till it bleeds",
    "I've started starving myself",
    "my dad gets violent when he drinks",
    "my brother beats me up and my parents don't care",
    "my mum's new partner keeps trying to get into bed with me",
    "he touched me and said no one would believe me",
    "my teacher messages me on snapchat and says I'm special",
    "he grabs me by the throat",
    "i'm terrified of my stepdad",
    "We don't have any money for food, I haven't eaten properly in days",
    "I've had to look after myself since I was 11",
    "my mum's never home and there's no food, I'm 13",
    "I've been carrying for these lads from the ends",
    "they made me hide a knife for them",
    "I've been sent to a flat in another town to sell",
    "my friend's older brother gives me weed and lets me stay at his if I do jobs for him",
    "he's 19 and I'm 13",
    "someone sent me a link to a secret group and now they want pictures",
    "my dad has arranged my marriage and I don't want it",
    "I'm scared they'll take me abroad and make me marry",
    "they're forcing me to marry",
    "my uncles said they'll kill me if I see my boyfriend again",
    "i'm stuck sofa surfing",
    "I've been living out of a bag at friends' places",
    "I slept on the street last night",
    "My stepmum chucked me out and I'm staying in a tent",
    "I've got nowhere to stay tonight",
    "The council won't help us and we're getting kicked out on Friday",
    "my dad beats my mum",
    "he hit mum so hard she was in hospital",
    "my parents' fights get violent and I'm scared",
    "my partner is abusive",
    "my mum's got bruises again",
    "some year 10s keep threatening me and said they'll beat me",
    "a gang is after me",
    "i got stabbed last year and now i carry a blade",
    "they pour stuff on me and lock me in the toilets",
    "I've been getting bullied online and someone made a fake account of me saying I should die",
    "I'd like to do engineering. Tbh things at home are bad, my dad hits me a lot.",
    "Not sure about college. I might not be around anyway.",
    "Can we talk about apprenticeships? Also I slept at the train station on Friday.",
    "I want to be a hairdresser but honestly I don't care about anything, I just want to disappear",
    "i'm ok just tired, mum's boyfriend keeps coming in my room at night",
    "my mum says I'm not allowed to eat until I lose weight",
    "I'm going to Pakistan in July and I think my family want me to stay and get married",
    "I want a job so I can move out cos my step dad is horrible to me and my mum, he hit her again",
    "i'm in foster care and my carer screams at me and slaps me",
    "I've run away from my placement three times",
    "i kinda got involved with some people and now i can't get out",
    "there's a man who lets me stay at his flat and gives me vodka",
    "I've been cutting since I was 12 and nobody knows",
    "I'm tired of living",
    "i took some pills last night to try and sleep forever",
    "I'm not safe",
    "please don't tell anyone but my dad hurts me",
    "my brother touches me",
    "I get called names and pushed around every day and I can't take it anymore",
    "They threatened to kill my family if I stop",
    "My husband says I can't work and he hits me if I argue",
    "I had to leave my house because my dad was going to hurt me",
    "i've been couch surfing for months",
    "my mum drinks all day and doesn't get up",
    "they want me to hold a gun for them",
    "i honestly dont think i want to wake up tomorrow",
    "I've been planning how I'd do it",
    "i keep thinking about the train tracks near my house",
    "Everything's pointless, I'd be better dead",
    "I'm going to do something stupid tonight",
    "i've been scratching my arms with a compass",
    "I've got a blade hidden in my room for when I need it",
    "my wrists are all scarred",
    "I haven't told anyone I self harm",
    "mum grabbed me and threw me against the door",
    "my dad makes me stand in the corner all night without food",
    "my brother's friend forced himself on me",
    "he keeps sending me pictures of his private parts",
    "my step brother comes in my room and I can't stop him",
    "dad takes his belt off when I'm naughty",
    "mum hasn't bought food in weeks",
    "I look after my 3 younger siblings on my own because mum is always passed out",
    "we've had no gas for a month and it's freezing",
    "I go to school hungry most days",
    "I'm 12 and I'm home alone most nights",
    "some boys from the estate pay me to keep a look out",
    "my older cousin got me into selling and now I can't stop",
    "I go missing for days and my mum doesn't know where I am",
    "I met a man on Roblox who says he loves me and wants to meet",
    "a 25 year old I know keeps giving me lifts and buying me stuff, I'm 14",
    "my family says I'll marry my cousin when I turn 16",
    "I'm scared to go on holiday with my family because they talk about finding me a husband",
    "my parents say I'm bringing dishonour and they'll send me back home",
    "i've been staying in a car park",
    "mum's new boyfriend won't let me live there anymore",
    "I've been moving between my nan's and my mates' floors",
    "we got kicked out of our flat",
    "got kicked out of my mums in yr 9 and been at my nans since",
    "my dad strangles my mum",
    "i hear my mum screaming every night and i'm scared",
    "my stepdad broke my mum's arm",
    "the police have been round three times this month for my parents fighting",
    "I was followed home and they said they'd shank me",
    "kids at school punched me and filmed it",
    "I'm getting death threats on Instagram",
    "they put my face on a fake porn thing and sent it round school",
    "i dont see myself being alive in 5 years so careers feels pointless",
    "Last week I swallowed a bottle of pills",
    "I keep wanting to step in front of a bus",
    "i feel like killing myself every day",
    "I'm done with life",
    "My mum found my razor and the cuts",
    "i bang my head against the wall until i feel something",
    "I self-harm to cope with my dad",
    "my step dad hurts me when mum is at work",
    "my grandad does things to me I don't like",
    "mum's partner slapped me across the face last night",
    "my dad whips me with a cable",
    "I'm not allowed out of my room except for school",
    "my dad said if I'm gay he'll throw me out and beat me",
    "I'm hungry all the time because there's never anything in the cupboards",
    "my parents are addicts and I basically raise my brother",
    "no one has washed my uniform in weeks and kids say I smell",
    "I got moved to a different county by some guys and I don't know how to get home",
    "they told me to bring the package to the station or else",
    "my boyfriend's 28 and he picks me up from school",
    "a guy I've never met pays for my phone and wants photos in return",
    "I was at a party and older men made me drink and I woke up somewhere",
    "my dad says I have to go to India to meet my future husband",
    "I'm being made to get engaged to my cousin",
    "I'll be sent abroad if I don't agree to the marriage",
    "I've been kipping in a stairwell",
    "my mum's kicked me out again and I'm at my girlfriend's",
    "I'm in a homeless shelter with my mum",
    "we're getting evicted and have nowhere to go",
    "mum's boyfriend beat her up in front of us",
    "My dad punched my mum and she's scared to leave",
    "I'm in a relationship with a guy who hits me",
    "My partner threatened to kill me if I leave",
    "my parents fight and dad throws things at mum",
    "someone at school said they're going to bring a knife for me",
    "I've been jumped twice this month",
    "people send me messages saying I should kill myself",
    "a group of girls keep hitting me and taking my stuff",
    "I don't want to be alive anymore honestly",
    "I've started hurting myself with my compass",
    "i dont want to exist anymore",
    "I made a plan to end things on my birthday",
    "Nothing matters, I just want everything to stop",
    "I think my family would be relieved if I died",
    "i tried to strangle myself with a belt",
    "I've been hitting myself in the face when I get angry",
    "I've got burns on my arm that I did myself",
    "I haven't cut in a month but I really want to",
    "my dad kicks me when I'm on the floor",
    "mum pulls my hair and drags me round the kitchen",
    "my uncle makes me watch videos of naked people",
    "My dad's friend said he'd pay me if I kept quiet about what he did",
    "my parents leave me in the house with no heating and no food for the weekend",
    "Mum is passed out on the sofa most days and I get my sister ready for school",
    "I've had the same shoes for 3 years and they've got holes, mum says no money but buys drink",
    "my dad locks the food away",
    "I'm 15 and I sell for some guys from Manchester",
    "They've got me doing drops after school for £50",
    "An older guy at the gym keeps giving me free stuff and asked me to come to his house alone",
    "my online boyfriend is 30 and wants me to meet him at a hotel",
    "I keep getting messages from a man who has a picture of me in my underwear",
    "they found me a husband in Pakistan",
    "my brother says he'll kill me if I don't go through with the marriage",
    "I'm getting married next month but I never chose him",
    "My family want to take me out of school and marry me to a man I've never met",
    "i've got nowhere to live since my mum's new fella moved in",
    "I'm sleeping at the 24 hour McDonald's",
    "we've been staying with different friends since the bailiffs came",
    "I'm living in a squat",
    "my dad chokes my mum when he's drunk",
    "my mum has to hide from my dad",
    "my girlfriend slaps me and says it's my fault",
    "my partner won't let me have money and hits me when I ask",
    "I'm scared because my dad threatens to hurt my mum",
    "year 11s keep taking my dinner money and punching me",
    "somebody pulled a knife on me last week",
    "there's a video going round of me being attacked",
    "they said they'll get me after school and I'm scared",
    "i feel like i want to disappear and never come back",
    "I don't want to wake up anymore",
    "sometimes i wonder if anyone would even notice if i was gone",
    "I looked up how many paracetamol it takes",
    "I've thought about crashing my bike on purpose",
    "i dont think i can keep living like this",
    "I've got a razor in my pencil case for when it gets bad",
    "i scratch my legs with my nails till they're raw",
    "my dad punched a hole in the wall next to my head",
    "my mum's boyfriend squeezes my neck when I talk back",
    "my foster mum calls me a slag and pushes me down the stairs",
    "there's a man who waits outside school and says he'll take me to his flat",
    "my step grandad tries to kiss me on the mouth",
    "I have to stay in my room all weekend and only get one meal",
    "my mum sells our food vouchers for drink",
    "I'm 14 and I do all the cooking and cleaning because my parents are never sober",
    "these lads from the next town have me running stuff to Bristol",
    "I'm scared to stop delivering because they know where my nan lives",
    "a guy on snapchat asked me for pics and now he's saying he'll send them to my school",
    "i met a 22 year old at the park and he keeps buying me vodka",
    "my parents have got my wedding dress and I've never met him",
    "I'm worried they'll keep me in Pakistan after the summer and marry me off",
    "my brothers watch me all the time and say I'll shame the family if I talk to boys",
    "i've been sleeping in the park since my stepdad threw my stuff out",
    "I'm on my mate's floor at the moment because I can't go home",
    "we had to go to a refuge because of my dad",
    "my mum's been kicked out by her boyfriend and we've got nowhere to go",
    "dad held a knife to mum's throat",
    "I watched him beat my mum unconscious",
    "my girlfriend hits me when she's angry and says it's my fault",
    "some girls in my year said they'll slash my face",
    "they pushed my head down the toilet and filmed it",
)

MORE_EVERYDAY: tuple[str, ...] = (
    "I'm dying to start my apprenticeship",
    "I could die of embarrassment, I called my teacher mum",
    "I'd kill for a job in F1",
    "My dad's going to kill me when he sees my report",
    "I smashed my mock exams",
    "I want to work with people who have been through domestic violence",
    "Can you tell me about social work degrees?",
    "I want to be a police officer and protect people from abuse",
    "I want to be a nurse in a mental health ward",
    "My mum is a nurse and she sees people who self harm",
    "We learned about county lines in an assembly",
    "I'm interested in the Forced Marriage Unit as a career, is that civil service?",
    "I want to be a chef and take my knife roll to college",
    "I want to work in a homeless shelter",
    "I work in a hostel as a support worker",
    "My favourite contestant got evicted from Big Brother",
    "I beat my personal best at the 100m",
    "He's been a huge help, he pushed me to apply",
    "I cut my hours at work to revise",
    "I love horror films where people die",
    "I've never been abused, I'm just interested in psychology",
    "nobody hits me, I just want to be a social worker",
    "I'm not homeless, I live with my nan",
    "I'm stressed and tired and I don't know what I want to do",
    "I hurt my knee playing football",
    "I had to leave my job because of the hours",
    "I'm going to stay with my cousins in Leeds for the summer",
    "I hit a wall with my revision",
    "That lecture really hit me hard",
    "my little sister kicked me under the table lol",
    "I want to study law and maybe work on forced marriage cases",
    "I'm going to be a paramedic so I'll see overdoses",
    "My boss said I'm killing it",
    "My parents want me to get married one day but they say career first",
    "I'm a carer for my mum who has MS",
    "I love my mum and dad",
    "I'm worried about money for uni",
    "I want to be a mortician",
    "I play Call of Duty a lot, I shoot people all day lol",
    "I'm the captain of the netball team",
    "I'm scared to go in for my interview tomorrow",
    "I'm dead keen on engineering",
    "I'm going to Spain for my cousin's wedding",
    "I was assaulted by the amount of homework lol",
    "i wanna disappear into the mountains and become a park ranger",
    "I want to join the Royal Marines, the training is brutal",
    "I want to be a vet, even though animals die sometimes",
    "My nan passed away, she was 90",
    "I'm scared of spiders",
    "I hate maths, it's so boring",
    "I'm worried about leaving home for uni",
    "I want to be a forensic pathologist and do post mortems",
    "My mum's a social worker and works with abused children",
    "I want to volunteer at a food bank",
    "We had a talk about knife crime in assembly",
    "I'd like to train as a counsellor for people who feel suicidal",
    "I want to work in a refuge supporting women fleeing domestic abuse",
    "I want to be a family lawyer and handle divorces and forced marriage protection orders",
    "My brother and I fight over the Xbox all the time",
    "My parents split up when I was little but it's fine",
    "My dad's strict but he's never hit me",
    "I don't have a social worker or anything",
    "I'm in care, I live with foster parents and they're lovely",
    "My foster carers are great, they push me to do well",
    "Can I do an apprenticeship in butchery? I'm good with knives",
    "I'm thinking of the police, I'd like to stop drugs getting into schools",
    "I'm in a band and we're going to play at a festival, we'll camp in a tent",
    "I used to play rugby but I got hurt",
    "I want to work in a care home",
    "My mum says I have to get a job or go to college",
    "I'm sleeping at my boyfriend's tonight",
    "I don't want to go to university",
    "I don't want to live in London",
    "I don't want to carry on with A-level chemistry",
    "I'm moving out to go to uni in September",
    "I'm not scared of hard work",
    "My little brother hits me with pillows lol",
    "I'd like a job where I can help people who are homeless",
    "I got beaten in the semi final at the regional championships",
    "I'm in a relationship and he's really supportive",
    "my mum wants me to marry someone rich lol",
    "My older brother's 25 and I'm 15, he's helping with my CV",
    "I'm 14 and my sister's 22",
    "My uncle is 30 and I'm 13, he's taking me to an open day",
    "I sell cakes at the market on Saturdays",
    "My dad's always working so I don't see him much",
    "I had a rough time in year 9 but I'm much better now",
    "I'm scared to go to university in case I don't make friends",
    "I was bullied in primary school but it's fine now",
    "The film was about a girl who ran away from home",
    "I want to be a dog groomer or work with horses",
    "We have no heating at college, it's freezing",
    "i live with my grandparents because my parents work abroad",
    "I'm going to kill it in my interview",
    "My teacher says I'll be a great nurse because I care about people",
    "My dream job is being a crime scene investigator",
    "My dad hit his head on the cupboard and we laughed",
    "I got stabbed by a thorn when I was gardening",
    "I want to train as a midwife, I'm not squeamish",
    "We're staying in a hostel in Edinburgh for the open day",
    "I want to be an ambulance dispatcher and handle suicide calls",
    "I'd love to work in a women's refuge",
    "I've got a Saturday job delivering parcels for Evri",
    "I run lines with my drama group every Tuesday",
    "My mum said she'll kill me if I'm late back",
    "I hate PE, the teacher makes us run in the rain",
    "I'm not allowed to use my phone in class",
    "My parents are divorced and I live with my mum",
    "I want to be an MP and change housing laws so no one's homeless",
    "I did a sponsored sleep out for a homelessness charity",
    "I'm writing my EPQ on forced marriage in the UK",
    "I've been thinking about killing time before my shift by reading",
    "Our team got battered 5-1",
    "My little sister bites when she's tired, she's 2",
    "I'm exhausted, I could sleep forever",
    "I want to be a youth worker because youth clubs saved me",
    "I think I'd be a good probation officer",
    "I hate my hair, I want to dye it pink",
    "I'm scared of heights so no roofing jobs lol",
    "I want to work with refugees who fled violence",
    "I learnt first aid and how to help someone who has overdosed",
    "Dad's a police officer and he deals with knife crime",
    "I want to do an apprenticeship as a locksmith",
    "I'm thinking about being a prison nurse",
    "my mum is an alcohol and drugs worker",
    "I'm dying of boredom in this lesson",
    "I'm killing time until my bus",
    "The exam absolutely killed me",
    "I'd like to be a nurse, my mum says I'd be brilliant",
    "I want to work for the NSPCC",
    "I'm interested in youth justice and working with young offenders",
    "I want to be a social worker for looked after children",
    "Can I become a police officer if I have asthma?",
    "I want to be a teacher and help kids who are being bullied",
    "I want to train in mental health first aid",
    "I read a book about a girl who self-harms and it made me want to be a psychologist",
    "My mum works in a hospice and people die there",
    "I want to do a course in substance misuse work",
    "We're moving house next month, I'm excited",
    "I want to get married and have kids one day but career first",
    "My sister just got engaged, we're all so happy",
    "I'm 16 and my girlfriend is 16",
    "My grandad fought in the Falklands",
    "I want to join the army and serve in Afghanistan",
    "My boyfriend's really supportive of me going to uni",
    "My mum says I'm not allowed to go to the party",
    "I have to look after my little brother after school until mum gets home from work",
    "I don't eat meat",
    "I skipped breakfast cos I was late",
    "I'm on a diet for prom",
    "My dad's a chef and he burnt himself at work",
    "I got a bruise playing hockey",
    "I want to be a tattoo artist",
    "I'm a bit scared about moving to sixth form",
    "I want to sell cars",
    "I'm a paramedic and want to retrain, I've seen too many stabbings",
    "We learnt about the Children Act in health and social care",
    "I want to be a crisis line volunteer",
    "My mum said I can't go out on school nights",
    "I'd rather be homeless than live with my sister lol",
    "I was going to say something but it doesn't matter",
    "I'm not scared of anything",
    "nobody in my family has been to uni",
    "I'm the first in my family to apply for an apprenticeship",
    "I feel like I'm falling behind everyone",
    "I failed my mocks and I feel like a failure",
    "My parents argue sometimes but they always make up",
    "my brother and I had a fight about the TV",
    "My mum cried when I got my results, she was so proud",
    "My friend committed to Loughborough for sport science",
    "I'm dying to know my results",
    "My mum's a nurse and she works with people who have been abused",
    "Honestly, maths is the death of me",
    "I want to study law and specialise in child abuse cases",
    "I'm not being hurt or anything, I just find college hard",
    "I've never self-harmed, I'm just interested in psychology",
    "My parents are really supportive",
    "I feel a bit down about my grades but I'm okay",
    "I want to be a youth worker because I was homeless for a bit as a kid and someone helped me, now we're fine",
    "My brother plays rugby and gets battered every weekend lol",
    "I'm scared of my exam results",
    "I'd like to work in prisons as a psychologist",
    "I love cooking, I want to be a chef",
    "I'm on a gap year and living out of a suitcase in Thailand",
    "My friend's brother is in the army and was shot at in Iraq",
    "It's my mum's birthday and she's getting drunk with her friends tonight lol",
    "I don't want to go to uni, I want to go straight into work",
    "I want to be an ambulance technician",
    "Our house is a mess but it's fine",
    "Nobody asked me what I wanted to do",
    "I want to work in a prison, even though prisoners can be violent",
    "I'm terrified of public speaking",
    "Our teacher says we'll be killed in the exam if we don't revise",
    "My dad is a firefighter and he's seen people die",
    "My dog died last week and I'm gutted",
    "I'm dying to try the new climbing wall",
    "I nearly killed my phone battery on the bus",
    "Our neighbours' dog got hit by a car and died, it was so sad",
    "I want to be a probation officer working with violent offenders",
    "I'd like to work in a homeless hostel as a support worker",
    "I'm thinking about child nursing",
    "I want to be a youth justice worker",
    "My aunt is a refuge manager and she loves her job",
    "I want to go into the police and work on child sexual exploitation cases",
    "I'm doing an EPQ on county lines and knife crime",
    "My mum said I'm grounded if I don't tidy my room",
    "My dad's strict about curfew",
    "I've got a black eye from rugby",
    "I cut my finger chopping onions at work",
    "I'm skint so I've been eating toast for tea",
    "We're moving into a new council flat next week",
    "I'm staying at my dad's this weekend",
    "I sometimes stay over at my boyfriend's house",
    "I'm 17 and my girlfriend is 18",
    "My parents are making me go to college",
    "My mum makes me do the dishes",
    "My mum forces me to go to my cousin's wedding every summer",
    "I want to be a wedding photographer",
    "My nan's always drunk at Christmas lol",
    "I'm scared I'll fail",
    "The ending of that film destroyed me",
    "I'd die for a Saturday job at Nike",
    "I'm not sure university is for me",
    "My brother is in prison",
    "I got detention for fighting last year but I've changed",
    "I play football for the county and we're in the cup",
    "We did a sleep out for charity and raised £500",
    "I want to be a police dog handler",
    "My mum was in care as a kid and now she's a foster carer",
    "I want to study criminology and psychology",
    "I want to be a paramedic because I saw someone collapse in town and nobody helped",
    "I keep getting knocked back for jobs and it's killing my motivation",
    "I'm being pushed by my parents to do medicine",
    "I feel like I'm drowning in coursework",
    "I'm dying for the summer holidays",
    "I'd kill for a lie in",
    "My science teacher is killing us with homework",
    "I cut down on my Saturday shifts",
    "I want to be a nurse working with patients who self harm",
    "I'm thinking about working for Childline when I'm older",
    "I want to do a degree in social work and work in child protection",
    "My mum's a police officer and deals with domestic abuse",
    "I'm interested in becoming a paramedic because I want to help people in emergencies",
    "I'm worried I'll be homeless if I can't afford rent at uni",
    "I'd like to work for a housing association helping people who are homeless",
    "My nan's been in hospital and I've been visiting",
    "Our school had a talk about grooming and online safety",
    "I love horror films",
    "My brother got hit by a ball at cricket",
    "I'm a bit scared of the interview",
    "I get anxious before exams",
    "I want to join the Navy as an engineer",
    "I'm thinking about moving out when I'm 18",
    "I don't get on with my sister but it's normal sibling stuff",
    "My dad's going to murder me if I don't pass my theory test",
    "I'm 15 and my brother is 20, he's doing an apprenticeship",
    "My parents want me to marry someone with a good job lol",
    "My cousin is getting married in India and we're all going",
    "I'm going to die of excitement on results day",
    "I'm homesick at uni",
    "I'd rather sleep on the street than do another maths exam lol",
    "My mum says I'll get kicked out of college if I keep missing lessons",
    "im at the pru now, got kicked out of st marks in yr 9",
    "I got kicked out of Oakfield Academy last year so I'm at the PRU",
    "I want to be a criminal barrister and defend people accused of assault",
    "I'm doing a project on knife crime for my EPQ",
    "My grandad was in the army and he carried a gun",
    "We did first aid and learned how to stop bleeding",
    "I burnt my hand on the oven at work",
    "I'm working at a chippy and I batter the fish",
    "I've never been in trouble with the police",
    "I want to work with refugee children",
    "The teachers are so strict they'd kill you for being late",
    "I'm so hungry I could eat a horse",
    "I was bullied in year 7 but I've got good mates now",
    "My mum died when I was 10 and my dad raised us, he's brilliant",
    "I'm dying to hear back from the college",
    "This essay is the death of me",
    "I'd like to be a mental health nurse for teenagers",
    "I want to be a social worker and help families",
    "I've applied to be a special constable",
    "My mum's friend works for a domestic abuse charity",
    "I did volunteering at a soup kitchen for homeless people",
    "The careers fair had a stall about the police",
    "I watched a documentary about gangs and knife crime",
    "I read about grooming gangs for my sociology coursework",
    "My football team lost and I was gutted",
    "My sister hit her head on the cupboard",
    "I'm allergic to nuts so I'm careful what I eat",
    "My mum's boyfriend is alright, he takes me to football",
    "I stay at my dad's every other weekend",
    "I moved to a new school in year 9 because we moved house",
    "I'm scared of needles so I can't be a nurse",
    "My dad shouted at me for not doing my homework",
    "I'd love to work with horses",
    "I want to be a plumber like my uncle",
    "I'm thinking of a career in the fire service",
    "My best mate moved to Spain and I miss her",
    "I was upset when I didn't get into the team",
    "I'm 14 and my cousin's 19, she's at uni",
    "My parents are very traditional but they let me choose my career",
    "I'm planning a surprise party for my mum",
    "My nan says I'll marry a doctor one day lol",
    "I got evicted from my Minecraft server lol",
    "The bailiffs came to our neighbour's house",
    "I want to study forensic psychology",
    "I've got a knife block for my new flat",
    "My mum makes me go to bed at 10 on school nights",
    "I want to be a chef, I've done knife skills at college",
    "My little brother's 5 and he screams all the time",
    "I'm fed up of revising",
    "Can you tell me about nursing apprenticeships?",
    "I'm a bit lonely since my mates went to different colleges",
    "I'd like to work in a hostel abroad on my gap year",
    "My step dad is strict but fair",
    "The film had a scene where someone gets stabbed, it was grim",
    "I'm dying to get started on my apprenticeship",
    "I would literally kill for a placement at Arup",
    "My nan thinks I'm going to be a famous chef",
    "I want to work with children in care",
    "My aunt is a social worker and I shadowed her",
    "I want to be a psychiatric nurse",
    "I'm interested in the prison service",
    "My brother is joining the RAF",
    "We watched a play about county lines at school",
    "I'd love to work at a women's aid charity",
    "I want to be a lawyer who helps families facing eviction",
    "I'm revising for my GCSEs and it's hard",
    "I've been feeling a bit stressed but I'm okay",
    "I'm not sure what A-levels to pick",
    "My dad works away a lot but he rings every night",
    "I'm staying over at my friend's after prom",
    "We're moving in with my stepdad next month",
    "I help my mum with my little sister after school",
    "My parents argue about who drives me to football",
    "My PE teacher pushed me to try out for the team",
    "I slipped and banged my head in the kitchen",
    "My cat scratched my arm",
    "I'm really hungry, can we get lunch after this?",
    "My cousin got married in Bangladesh last year, it was beautiful",
    "My parents want me to marry a Muslim but they say it's my choice who",
    "I want to become a firearms officer",
    "I'm doing a first aid course for my DofE",
    "My mum is scared of spiders lol",
    "I've had enough of revision for today",
    "I hate it when my brother takes my charger",
    "my mum waits for me outside school",
    "the coach has us running for an hour",
    "my dad will take me to his flat this weekend",
    "My nan takes me to her house after school",
    "our teacher had us running laps",
    "my uncle has me running errands for the shop",
)


def test_the_prefilter_database_is_kept_between_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compiled Hyperscan database is written to the data folder and read back by the next
    process (here: after the in-process cache is cleared), naming the same candidates; a
    damaged file is compiled afresh."""
    import re

    from guidance_assistant.safeguarding import prefilter

    monkeypatch.setenv("GA_DATA_DIR", str(tmp_path))
    patterns = [re.compile(r"\bkill (?:my)?self\b"), re.compile(r"\bhurt(?:s|ing)? me\b")]
    text = "careers and college " * 100 + "he hurts me at home " + "open days " * 100
    prefilter._compiled.cache_clear()
    first = prefilter.Prefilter(patterns).candidates(text)
    stored = list((tmp_path / "cache").glob("safeguarding-prefilter-*.hsdb"))
    assert first is not None and list(first) == [1] and len(stored) == 1
    compile_ = prefilter._database

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled although a stored database was there")

    monkeypatch.setattr(prefilter, "_database", no_compiling)
    prefilter._compiled.cache_clear()
    assert prefilter.Prefilter(patterns).candidates(text) == first  # read from the file
    monkeypatch.setattr(prefilter, "_database", compile_)
    stored[0].write_bytes(b"not a database")
    prefilter._compiled.cache_clear()
    assert prefilter.Prefilter(patterns).candidates(text) == first  # compiled again
    prefilter._compiled.cache_clear()
