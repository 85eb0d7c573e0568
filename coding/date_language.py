"""Date phrases in the article's language turned into the English the date rules read: our own
table for the phrases news use that dateparser's dictionaries lack (nights, weekends, "the past
24 hours", parts of months, decades), then dateparser's translation for weekdays and months."""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

# Languages the tables below cover; any other language dateparser knows still gets its
# translation of weekdays and months.
LANGUAGES = ("en", "fr", "es", "ru", "uk", "ar")

_NUMBERS = {
    "fr": {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
           "neuf": 9, "dix": 10},
    "es": {"un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
           "ocho": 8, "nueve": 9, "diez": 10},
    "ru": {"один": 1, "одна": 1, "одну": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6,
           "семь": 7, "восемь": 8, "девять": 9, "десять": 10},
    "uk": {"один": 1, "одна": 1, "одну": 1, "два": 2, "дві": 2, "три": 3, "чотири": 4, "п'ять": 5, "шість": 6,
           "сім": 7, "вісім": 8, "дев'ять": 9, "десять": 10},
    "ar": {"واحد": 1, "يوم": 1, "اسبوع": 1, "شهر": 1, "يومين": 2, "اسبوعين": 2, "شهرين": 2, "اثنين": 2,
           "ثلاثة": 3, "ثلاث": 3, "اربعة": 4, "اربع": 4, "خمسة": 5, "خمس": 5, "ستة": 6, "سبعة": 7, "عشرة": 10},
}
_UNITS = {"jours": "days", "jour": "day", "semaines": "weeks", "semaine": "week", "mois": "months",
          "días": "days", "dias": "days", "día": "day", "semanas": "weeks", "semana": "week", "meses": "months",
          "mes": "month", "дня": "days", "дней": "days", "день": "day", "недели": "weeks", "неделю": "week",
          "недель": "weeks", "месяца": "months", "месяцев": "months", "месяц": "month", "дні": "days",
          "днів": "days", "тижні": "weeks", "тиждень": "week", "тижнів": "weeks", "місяці": "months",
          "місяців": "months", "місяць": "month", "ايام": "days", "يوما": "days", "يوم": "day", "يومين": "days",
          "اسابيع": "weeks", "اسبوع": "week", "اسبوعين": "weeks", "اشهر": "months", "شهر": "month",
          "شهرين": "months"}
_MONTH_FORMS = {
    # Russian and Ukrainian months after "in" (prepositional/locative), Levantine Arabic months:
    # dateparser's dictionaries know only the nominative and genitive.
    "январе": "january", "феврале": "february", "марте": "march", "апреле": "april", "мае": "may",
    "июне": "june", "июле": "july", "августе": "august", "сентябре": "september", "октябре": "october",
    "ноябре": "november", "декабре": "december",
    "січні": "january", "лютому": "february", "березні": "march", "квітні": "april", "травні": "may",
    "червні": "june", "липні": "july", "серпні": "august", "вересні": "september", "жовтні": "october",
    "листопаді": "november", "грудні": "december",
    "كانون الثاني": "january", "شباط": "february", "اذار": "march", "نيسان": "april", "ايار": "may",
    "حزيران": "june", "تموز": "july", "اب": "august", "ايلول": "september", "تشرين الاول": "october",
    "تشرين الثاني": "november", "كانون الاول": "december",
}
_WEEKDAY_FORMS = {  # genitive and accusative forms after "last" that dateparser misses
    "неділі": "sunday", "суботи": "saturday", "п'ятниці": "friday", "четверга": "thursday",
    "середи": "wednesday", "вівторка": "tuesday", "понеділка": "monday", "неділю": "sunday",
    "середу": "wednesday", "п'ятницю": "friday", "суботу": "saturday",
    "воскресенье": "sunday", "субботу": "saturday", "пятницу": "friday", "среду": "wednesday",
}
_N = r"(\d+|[^\W\d]+(?:'[^\W\d]+)?)"  # a number in digits or in words

# (pattern, replacement) per language, applied in order to the folded text.
_PHRASES: dict[str, list[tuple[str, str]]] = {
    "fr": [
        (r"\b(\d{1,2})h(\d{2})?\b", r"at \1:\2"), (r"\bà (\d)", r"at \1"),
        (r"(?:dans )?la nuit (?:de|du) (.+?) (?:à|au) (.+)$", r"night of \1 to \2"),
        (r"(?:au cours des|ces|les) (?:dernières|dernieres) (\d+) heures", r"past \1 hours"),
        (r"\b(?:ce|le) week-?end\b", "weekend"), (r"\bsemaine derni[èe]re\b", "last week"),
        (r"\bmois dernier\b", "last month"), (r"^(?:le |la )?(\S+) derni(?:er|ère|ere)$", r"last \1"),
        (r"\bil y a " + _N + r" (\w+)", r"\1 \2 ago"),
        (r"\bd[ée]but\b", "early"), (r"\bmi-", "mid "), (r"\bfin\b", "late"),
        (r"\bann[ée]es (\d{4})\b", r"\1s"), (r"\ben (\d{4})\b", r"\1"),
        (r"\bla veille de noël\b", "christmas eve"), (r"\bla saint-sylvestre\b", "new year's eve"),
        (r"\ble jour de l'an\b", "new year's day"), (r"\bnoël\b", "christmas day"),
        (r"\baujourd'hui\b", "today"), (r"\bhier soir\b", "last night"), (r"\bavant-hier\b", "day before yesterday"),
        (r"\bhier\b", "yesterday"), (r"\b(?:soir|matin|après-midi)\b", "evening"),
    ],
    "es": [
        (r"\ba las (\d)", r"at \1"),
        (r"(?:en )?la noche del (\d+) al (.+)$", r"night of \1 to \2"),
        (r"(?:en )?la noche del (\S+)$", r"\1 night"), (r"^(?:el )?(\S+) por la (?:noche|mañana|tarde)$", r"\1 night"),
        (r"(?:en )?las (?:últimas|ultimas) (\d+) horas", r"past \1 hours"),
        (r"\b(?:el )?fin de semana\b", "weekend"), (r"\bsemana pasada\b", "last week"),
        (r"\bmes pasado\b", "last month"), (r"^(?:el )?pasado (\S+)$", r"last \1"), (r"^(?:el )?(\S+) pasado$", r"last \1"),
        (r"\bhace " + _N + r" (\w+)", r"\1 \2 ago"),
        (r"\ba principios de\b", "early"), (r"\ba mediados de\b", "mid"), (r"\ba finales de\b", "late"),
        (r"\bd[ée]cada de (\d{4})\b", r"\1s"), (r"\baños (\d{4})\b", r"\1s"), (r"\ben (\d{4})\b", r"\1"),
        (r"\bnochebuena\b", "christmas eve"), (r"\bnochevieja\b", "new year's eve"),
        (r"\baño nuevo\b", "new year's day"), (r"\bnavidad\b", "christmas day"),
        (r"\banteayer\b", "day before yesterday"), (r"\banoche\b", "last night"), (r"\bayer\b", "yesterday"),
        (r"\bhoy\b", "today"),
    ],
    "ru": [
        (r"^в (\d{1,2}:\d{2})", r"at \1"),
        (r"(?:в )?ночь с (.+?) на (.+)$", r"night of \1 to \2"), (r"(?:в )?ночь на (.+)$", r"night into \1"),
        (r"за (?:последние|прошедшие) сутки", "past 24 hours"), (r"за (?:последние|прошедшие) (\d+) час\w*", r"past \1 hours"),
        (r"(?:в|на) (?:прошлые |минувшие )?выходные", "weekend"), (r"на прошлой неделе", "last week"),
        (r"в прошлом месяце", "last month"), (r"(?:в )?прошл\w+ ", "last "), (r"(?:в )?минувш\w+ ", "last "),
        (r"\b" + _N + r" (\w+) назад", r"\1 \2 ago"),
        (r"в начале", "early"), (r"в середине", "mid"), (r"в конце", "late"),
        (r"(\d{4})-х(?: годах| годов)?", r"\1s"), (r"в (\d{4}) году", r"\1"),
        (r"(?:в |на )?новый год", "new year's day"), (r"(?:в )?(?:вечером|утром|днем|днём|ночью)", " evening"),
    ],
    "uk": [
        (r"^о (\d{1,2}:\d{2})", r"at \1"),
        (r"(?:у |в )?ніч з (.+?) на (.+)$", r"night of \1 to \2"), (r"(?:у |в )?ніч на (.+)$", r"night into \1"),
        (r"за (?:минулу|останню) добу", "past 24 hours"), (r"за (?:останні|минулі) (\d+) год\w*", r"past \1 hours"),
        (r"(?:на|у|в) (?:минулих )?вихідн\w+", "weekend"), (r"минулого тижня", "last week"),
        (r"минулого місяця", "last month"), (r"(?:у |в )?минул\w+ ", "last "),
        (r"\b" + _N + r" (\w+) тому", r"\1 \2 ago"),
        (r"на початку", "early"), (r"(?:у|в) середині", "mid"), (r"наприкінці|(?:у|в) кінці", "late"),
        (r"(\d{4})-х(?: роках| років)?", r"\1s"), (r"(?:у|в) (\d{4}) році", r"\1"),
        (r"(?:у|в)?(?:вечері|ранці)|вночі", " evening"), (r"^(?:у|в) ", ""),
    ],
    "ar": [
        (r"الساعة (\d)", r"at \1"),
        (r"خلال (?:ال)?ـ?(\d+) ساعة (?:الماضية|الاخيرة)", r"past \1 hours"),
        (r"خلال الساعات ال(?:ـ)?(\d+) (?:الماضية|الاخيرة)", r"past \1 hours"),
        (r"الاسبوع الماضي", "last week"), (r"الشهر الماضي", "last month"),
        (r"عطلة نهاية الاسبوع", "weekend"), (r"^(?:يوم )?(\S+) الماضي(?:ة)?$", r"last \1"),
        (r"قبل " + _N + r"(?: (\S+))?$", r"\1 \2 ago"),
        (r"اول امس", "day before yesterday"), (r"\bامس\b", "yesterday"), (r"^اليوم$", "today"),
        (r"مطلع|اوائل|بداية", "early"), (r"منتصف", "mid"), (r"اواخر|نهاية", "late"),
        (r"في عام (\d{4})", r"\1"), (r"عام (\d{4})", r"\1"),
        (r"التسعينيات|التسعينات", "1990s"), (r"الثمانينيات|الثمانينات", "1980s"),
        (r"رأس السنة|راس السنة", "new year's day"), (r"عيد الفطر", "eid al-fitr"), (r"عيد الاضحى", "eid al-adha"),
        (r"مساء|صباح|ليلا", "evening"), (r"^يوم ", ""), (r"^في ", "in "),
    ],
}
_COMPILED = {lang: [(re.compile(p), r) for p, r in rules] for lang, rules in _PHRASES.items()}
# The words our tables write: dateparser must not translate them again.
_ENGLISH = {"last", "week", "month", "weekend", "night", "of", "to", "into", "past", "hours", "ago", "days", "day",
            "weeks", "months", "early", "mid", "late", "at", "in", "christmas", "eve", "new", "year's", "eid",
            "al-fitr", "al-adha", "before", "yesterday", "today", "evening", "january", "february", "march",
            "april", "may", "june", "july", "august", "september", "october", "november", "december", "monday",
            "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_ARABIC_MARKS = re.compile(r"[\u064B-\u065F\u0670\u0640]")  # harakat and tatweel
_LEFTOVER = {"el", "la", "le", "les", "l'", "de", "del", "du", "des", "en", "los", "las", "a", "y", "у", "в", "на",
             "о", "з", "с", "في", "al"}


def fold(text: str, language: str) -> str:
    """Lower case, one space, one apostrophe; Arabic without vowel marks and with one alif."""
    t = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u02bc", "'").lower()
    if language == "ar":
        t = _ARABIC_MARKS.sub("", t)
        t = re.sub("[أإآ]", "ا", t).replace("ـ", "")
    return " ".join(t.split())


def _numbers(text: str, language: str) -> str:
    words = _NUMBERS.get(language, {})

    def one(m: re.Match) -> str:
        count, unit = m.group(1), m.group(2)
        n = words.get(count, count)
        if language == "ar" and count in ("يومين", "اسبوعين", "شهرين", "يوم", "اسبوع", "شهر") and not unit.strip():
            unit = count  # "قبل يومين": the number is in the unit's dual
        return f"{n} {_UNITS.get(unit.strip(), unit.strip())} ago"

    return re.sub(r"(\S+) ?(\S*) ago", one, text)


def to_english(text: str, language: Optional[str]) -> str:
    """The English the date rules read for `text` written in `language` (ISO 639-1); English
    or an unknown language comes back as it was."""
    lang = (language or "en").lower()[:2]
    if lang == "en":
        return text
    t = fold(text, lang)
    for pattern, replacement in _COMPILED.get(lang, []):
        t = pattern.sub(replacement, t)
    if " ago" in t:
        t = _numbers(t, lang)
    for form, english in sorted({**_MONTH_FORMS, **_WEEKDAY_FORMS}.items(), key=lambda kv: -len(kv[0])):
        t = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", english, t)
    t = _dateparser_words(t, lang)
    words = [w for w in t.split() if w not in _LEFTOVER]
    return " ".join(words)


def _dateparser_words(text: str, language: str) -> str:
    """Weekday and month names (and what else dateparser knows) translated word by word by
    dateparser's dictionary for `language`; our English phrases pass through untouched."""
    from dateparser.conf import Settings
    from dateparser.languages.loader import default_loader

    try:
        locale = default_loader.get_locale(language)
    except (KeyError, ValueError):
        return text
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            try:
                out.append(locale.translate(" ".join(run), keep_formatting=False, settings=Settings()))
            except Exception:  # dateparser raises bare errors on odd input; the words stay as written
                out.append(" ".join(run))
            run.clear()

    for word in text.split():
        if word in _ENGLISH or re.fullmatch(r"[\d:/.\-]+s?", word):
            flush()
            out.append(word)
        else:
            run.append(word)
    flush()
    return " ".join(" ".join(out).split())
