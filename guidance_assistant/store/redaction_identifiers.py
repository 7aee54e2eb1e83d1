"""Presidio recognisers for the structured personal data in UK guidance transcripts and notes.

Each is a ``PatternRecognizer``: patterns with a base score, a check where the identifier has
one, and context words. Presidio's context enhancer (run by the analyser, whole words, up to
six words before) raises a finding by 0.35 when one of its context words stands before it, so
an identifier whose format alone proves little (a ULN is any 10 digits; a date is only a date
of birth after "DOB", "born", "birthday") passes the analyser's threshold only with context.

- ``UK_PHONE``: UK numbers as written (07700 900123, +44 (0)20 7946 0958, 0044 7700 900 876,
  (0161) 496 0555), checked as possible UK numbers with ``phonenumbers``;
- ``UK_POSTCODE``: full postcodes, any case, with or without the space;
- ``UK_NI_NUMBER``: two letters, six digits, A-D, with the real prefix rules (first letter not
  D F I Q U V, second not D F I O Q U V, not BG GB KN NK NT TN ZZ). A number in the format that
  breaks the rules (HMRC's specimen prefix QQ, typing slips) is still taken with NI context;
  so is a number read aloud ("Q Q, one two, three four, five six, C");
- ``NHS_NUMBER``: 10 digits (3-3-4 by spaces or dashes, or none) passing the modulus 11 check;
- ``UPN``: a letter and 12 digits. With the DfE check letter right it scores highest; without,
  the format is still taken (a letter and 12 digits is an identifier whatever it is);
- ``ULN``: 10 digits with "ULN" or "learner" context;
- ``EMAIL``; ``STREET_ADDRESS``: flat, house number and street (and the town written with it);
- ``DATE_OF_BIRTH``: a date in any common form with "DOB", "born", "birthday" before it.
"""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import Pattern, PatternRecognizer

from guidance_assistant.text.dates import MONTHS

_NUMBER_WORD = r"(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine|\d)"
_SEP = r"[\s,.\-]+"


def nhs_check_ok(digits: str) -> bool:
    """The NHS number modulus 11 check: weights 10 down to 2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


#: The DfE check letters, for remainders 0 to 22 (I, O and S are not used).
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_ok(upn: str) -> bool:
    """The DfE check letter of a UPN: the 12 characters after it, weighted 2 to 13, summed,
    modulo 23, index the letters A-Z without I, O and S."""
    upn = upn.upper()
    if len(upn) != 13 or not upn[0].isalpha() or not upn[1:].isdigit():
        return False
    total = sum(int(d) * weight for weight, d in enumerate(upn[1:], start=2))
    return _UPN_LETTERS[total % 23] == upn[0]


_NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NI_BARRED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def ni_prefix_ok(number: str) -> bool:
    """The National Insurance prefix rules (letters HMRC issues)."""
    letters = re.sub(r"[^A-Za-z]", "", number).upper()[:2]
    return (
        len(letters) == 2
        and letters[0] in _NI_FIRST
        and letters[1] in _NI_SECOND
        and letters not in _NI_BARRED
    )


class _Recogniser(PatternRecognizer):
    """A pattern recogniser for English text whose patterns ignore case."""

    def __init__(self, entity: str, patterns: list[Pattern], context: list[str], **kw: Any):
        super().__init__(
            supported_entity=entity,
            name=f"{entity.lower()}_recogniser",
            patterns=patterns,
            context=context,
            supported_language="en",
            global_regex_flags=re.IGNORECASE | re.MULTILINE,
            **kw,
        )


class PhoneRecogniser(_Recogniser):
    def __init__(self) -> None:
        super().__init__(
            "UK_PHONE",
            [
                Pattern(
                    "uk phone",
                    r"(?<![\w+])(?:(?:\+44|0044)\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s\-)]{0,2}\d){8,9}(?!\d)",
                    0.7,
                )
            ],
            ["phone", "mobile", "mob", "tel", "landline", "ring", "call", "text", "whatsapp"],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        import phonenumbers

        try:
            number = phonenumbers.parse(pattern_text, "GB")
        except phonenumbers.NumberParseException:
            return False
        return None if phonenumbers.is_possible_number(number) else False


class PostcodeRecogniser(_Recogniser):
    def __init__(self) -> None:
        super().__init__(
            "UK_POSTCODE",
            [
                Pattern(
                    "uk postcode",
                    r"\b(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b",
                    0.8,
                )
            ],
            ["postcode", "address"],
        )


class NiNumberRecogniser(_Recogniser):
    def __init__(self) -> None:
        digits = r"\s?\d{2}\s?\d{2}\s?\d{2}\s?"
        super().__init__(
            "UK_NI_NUMBER",
            [
                Pattern("ni number", rf"\b[A-Z]{{2}}{digits}[A-D]\b", 0.3),
                Pattern(
                    "ni number read aloud",
                    rf"\b[A-Z]{_SEP}[A-Z]{_SEP}(?:{_NUMBER_WORD}{_SEP}){{6}}[A-D]\b",
                    0.1,
                ),
            ],
            ["ni", "nino", "insurance", "n.i", "n.i."],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        compact = re.sub(r"\s", "", pattern_text)
        if len(compact) == 9 and ni_prefix_ok(compact):
            return True
        return None  # the format without the rules: taken only with context


class NhsNumberRecogniser(_Recogniser):
    def __init__(self) -> None:
        super().__init__(
            "NHS_NUMBER",
            [Pattern("nhs number", r"(?<![\d\w])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?![\d\w])", 0.5)],
            ["nhs", "health", "gp", "hospital"],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if nhs_check_ok(re.sub(r"\D", "", pattern_text)) else False


class UpnRecogniser(_Recogniser):
    def __init__(self) -> None:
        super().__init__(
            "UPN",
            [Pattern("upn", r"\b[A-Z]\d{12}\b", 0.5)],
            ["upn", "pupil"],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        return True if upn_check_ok(pattern_text) else None


class UlnRecogniser(_Recogniser):
    def __init__(self) -> None:
        super().__init__(
            "ULN",
            [Pattern("uln", r"(?<![\d\w])[1-9]\d{9}(?![\d\w])", 0.3)],
            ["uln", "learner", "uln:", "lrs"],
        )


class EmailRecogniser(_Recogniser):
    def __init__(self) -> None:
        super().__init__(
            "EMAIL",
            [Pattern("email", r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", 1.0)],
            ["email", "e-mail"],
        )


_STREET_WORDS = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Cres|Court|Ct|"
    r"Place|Pl|Gardens|Gdns|Grove|Terrace|Hill|Park|Square|Sq|Mews|Row|Walk|View|Rise|Parade|"
    r"Green|Estate|Cottages|Gate|Wharf|Yard|Vale|Bank|Fields|Croft|Meadow|Meadows|Boulevard|"
    r"Heights|Chase|Brow|Fold|Villas|Buildings|House|Court|Wynd|Loke|Mount|Side|Broadway)"
)
_PLACE = r"[A-Z][^\W\d_]*(?:['’-][^\W\d_]+)*(?:\s[A-Z][^\W\d_]*){0,2}"


class AddressRecogniser(_Recogniser):
    def __init__(self) -> None:
        house = r"(?:(?:Flat|Apartment|Apt|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+"
        street = rf"(?:[^\W\d_][\w'’-]*\s+){{1,3}}{_STREET_WORDS}\b"
        # the town written with it: after a comma, or right before the postcode
        town = (
            rf"(?-i:(?:,\s*{_PLACE}(?=\s*(?:,|\.|$|\s+[A-Z]{{1,2}}\d|\s+[a-z]{{1,2}}\d)))"
            rf"{{0,2}}(?:\s+{_PLACE}(?=\s+[A-Z]{{1,2}}\d[A-Z\d]?\s?\d[A-Z]{{2}}\b))?)"
        )
        lives = "|".join(
            f"(?<=\\b{verb} {where} )"
            for verb in ("live", "lives", "living", "moved")
            for where in ("on", "at", "to")
        )
        named_street = rf"(?:{lives})(?-i:(?:[A-Z][\w'’-]*\s+){{1,3}}){_STREET_WORDS}\b"
        super().__init__(
            "STREET_ADDRESS",
            [
                Pattern("house and street", rf"\b{house}{street}{town}", 0.6),
                Pattern("street someone lives on", named_street, 0.6),
            ],
            ["address", "live", "lives", "living", "home", "addy", "moved"],
        )


_MONTH = "|".join(f"{m[:3]}(?:{m[3:]})?" for m in MONTHS).replace("sep(?:", "sept?(?:")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"


class DateOfBirthRecogniser(_Recogniser):
    def __init__(self) -> None:
        super().__init__(
            "DATE_OF_BIRTH",
            [
                Pattern("numeric date", r"\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b", 0.1),
                Pattern("iso date", r"\b(?:19|20)\d{2}-\d{1,2}-\d{1,2}\b", 0.1),
                Pattern(
                    "written date",
                    rf"\b{_DAY}(?:\s+of)?\s+(?:{_MONTH})\b\.?(?:,?\s+(?:19|20)\d{{2}}\b)?",
                    0.1,
                ),
                Pattern(
                    "month first",
                    rf"\b(?:{_MONTH})\b\.?\s+{_DAY}\b(?:,?\s+(?:19|20)\d{{2}}\b)?",
                    0.1,
                ),
                Pattern(
                    "year first",
                    rf"\b(?:19|20)\d{{2}},?\s+{_DAY}(?:\s+of)?\s+(?:{_MONTH})\b",
                    0.1,
                ),
            ],
            ["dob", "d.o.b", "d.o.b.", "born", "birth", "birthday", "bday", "b'day", "birthdate"],
        )


def identifier_recognisers() -> list[PatternRecognizer]:
    """A fresh set of every recogniser here."""
    return [
        PhoneRecogniser(),
        PostcodeRecogniser(),
        NiNumberRecogniser(),
        NhsNumberRecogniser(),
        UpnRecogniser(),
        UlnRecogniser(),
        EmailRecogniser(),
        AddressRecogniser(),
        DateOfBirthRecogniser(),
    ]
