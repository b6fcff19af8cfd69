"""Entity rules for modern prose (issue 10): short references, titles of works, organisation words, acronyms.

Every sentence is fictional; each case is one rule of :mod:`workbench.ner`.
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.ner import mentions
from workbench.sentences import sentences as split


def rows(text: str) -> list[tuple[str, str, str]]:
    """``(surface, entity, type)`` of every mention of ``text``."""
    articles = pd.DataFrame({"article_id": ["t"], "text": [text]})
    found = mentions(articles, sentences=split(articles))
    return [(r.surface, r.entity, r.type) for r in found.itertuples(index=False)]


# -- short references within an article ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "short", "full"),
    [
        # a name "Given of Place" is shortened to its first word, not its last
        ("Quorvald of Ternessa founded the abbey. Later Quorvald left it.", "Quorvald", "Quorvald of Ternessa"),
        # a first name alone is the one full name of the article with that first name
        ("Daniel Quorvacht wrote the book. Daniel was a son of a merchant.", "Daniel", "Daniel Quorvacht"),
    ],
)
def test_short_reference_is_the_full_name(text, short, full):
    assert (short, full, "PERSON") in rows(text)


def test_a_surname_written_first_alone_is_the_one_two_word_name_it_starts():
    found = rows("Hu Quorvan founded the league in 1920. Later Hu taught in Beijing, and Hu wrote poems.")
    assert ("Hu", "Hu Quorvan", "PERSON") in found


def test_a_surname_written_first_stays_when_two_names_start_with_it():
    found = rows("Hu Quorvan met Hu Zentrov in 1920. Later Hu taught in Beijing, and Hu wrote poems.")
    assert ("Hu", "Hu", "PERSON") in found


def test_first_name_alone_stays_when_two_full_names_share_it():
    found = rows("Daniel Quorvacht met Daniel Pellwether. Daniel spoke first.")
    assert ("Daniel", "Daniel", "PERSON") in found


def test_post_nominal_letters_are_not_in_the_name():
    found = rows("Mirela Quorvacht FRS was born in Basel.")
    assert ("Mirela Quorvacht FRS", "Mirela Quorvacht", "PERSON") in found


def test_regnal_numbers_stay_in_the_name():
    assert ("Edvard Quorvacht III", "Edvard Quorvacht III", "PERSON") in rows("Edvard Quorvacht III was crowned.")


@pytest.mark.parametrize("text", ["St. Jerome in the desert was painted often.", "Saint Jerome wrote letters."])
def test_saint_is_a_title(text):
    assert ("Jerome", "Jerome", "PERSON") in rows(text)


# -- acronyms and numbers in prose --------------------------------------------------------------


def test_two_letter_capitals_are_no_organisation():
    found = rows("Children read QT sentences in the trial, and QT readings were rare.")
    assert not [r for r in found if r[0] == "QT"]


def test_an_acronym_defined_after_a_slash_is_its_long_form():
    found = rows("Observers from the OSCE/Office for Zentrovy Affairs (OZA) arrived. OZA reports came later.")
    assert ("OZA", "Office for Zentrovy Affairs", "ORG") in found


def test_three_letter_acronym_is_still_an_organisation():
    assert ("ZQX", "ZQX", "ORG") in rows("The ZQX fined the club on Monday.")


@pytest.mark.parametrize(
    "text",
    ["Rinsel 1 cup of oats in a sieve.", "See Tabulo 4 of the condensed book.", "Quelling 2: a short definition."],
)
def test_a_number_read_on_in_prose_is_no_score(text):
    assert not [r for r in rows(text) if r[2] == "ORG"]


@pytest.mark.parametrize("text", ["Quorvania 2 Zeltmark 1", "Zeltmark 4 hours 48 mins", "Quorvania 20:36:54"])
def test_results_lines_still_name_teams(text):
    assert [r for r in rows(text) if r[2] == "ORG"]


# -- single unknown names typed by their use (workbench.ner.cues) --------------------------------


def test_unknown_word_used_as_a_person_is_a_person():
    text = "The abbey grew. Later Zorvathius founded a school, and the monks read Zorvathius' letters."
    assert [r for r in rows(text) if r[0] == "Zorvathius" and r[2] == "PERSON"]


def test_unknown_word_in_an_apposition_is_an_organisation():
    text = "The books came from Quelvix, a publisher in the north, and the shop sold them."
    assert ("Quelvix", "Quelvix", "ORG") in rows(text)


def test_unknown_word_also_written_in_lower_case_is_no_name():
    text = "Zorvathy matters. Students with zorvathy learned more, and zorvathy grows."
    assert not [r for r in rows(text) if r[0] == "Zorvathy"]


def test_unknown_word_before_a_language_noun_twice_is_no_name():
    text = (
        "Gújjolaay Zentrovaa is spoken in the hills. The Zentrovaa language has tones, and Zentrovaa speakers"
        " number 9,000. Speakers of Zentrovaa use the term often."
    )
    assert not [r for r in rows(text) if r[0] == "Zentrovaa"]


def test_unknown_word_before_a_language_noun_once_keeps_its_cues():
    text = "The Quorvish language has tones. Later Quorvish marked the verb, and Quorvish wrote to the king."
    assert [r for r in rows(text) if r[0] == "Quorvish" and r[2] == "PERSON"]


def test_unknown_word_after_a_place_word_is_no_person():
    text = (
        "Boats left Quorvelle at dawn. Later Quorvelle boomed, and Quorvelle's harbour opened. We stayed in Quorvelle."
    )
    assert not [r for r in rows(text) if r[0] == "Quorvelle" and r[2] == "PERSON"]


# -- a first name at the head of the name of a thing ---------------------------------------------


@pytest.mark.parametrize("text", ["The Quorvald Space Telescope sent images.", "They met at the Quorvald Statue."])
def test_first_name_before_a_common_noun_is_no_person(text):
    found = rows(text.replace("Quorvald", "Mildred"))
    assert not [r for r in found if r[2] == "PERSON"]


def test_first_name_before_a_census_surname_is_a_person():
    assert ("Mildred Knight", "Mildred Knight", "PERSON") in rows("Yesterday Mildred Knight won the race.")


# -- places written with a comma ------------------------------------------------------------------


def test_a_region_after_its_town_is_a_place():
    assert ("Devon", "Devon", "GPE") in rows("She was born in Exeter, Devon. Her father was a geologist.")


def test_a_town_before_its_state_is_a_place_named_with_the_state():
    assert ("Zorgville", "Zorgville, Texas", "GPE") in rows("The mill closed in Zorgville, Texas, last year.")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The parade went down Quorvel Street at noon.", "Quorvel Street"),
        ("He was buried in the Zentrovy Cemetery in the north.", "Zentrovy Cemetery"),
        ("The office is on Calle Zentrovy near the square.", "Calle Zentrovy"),
    ],
)
def test_place_words_make_a_place(text, name):
    assert [r for r in rows(text) if r[0] == name and r[2] in ("GPE", "LOC")]


def test_a_work_after_a_persons_possessive_is_no_person():
    found = rows("The method resembles Mildred Quorvacht's Mecanique Orbitale in its plan.")
    assert ("Mildred Quorvacht", "Mildred Quorvacht", "PERSON") in found
    assert not [r for r in found if "Orbitale" in r[0]]


def test_the_plural_of_an_acronym_is_no_organisation():
    assert not [r for r in rows("Since the QZLs are cheap, most homes use them.") if r[2] == "ORG"]


def test_a_surname_the_article_also_writes_in_lower_case_is_a_word():
    text = "Basil needs sun. Choose the kind of basil you like; basil grows fast."
    assert not [r for r in rows(text) if r[0] == "Basil"]


def test_a_census_surname_used_as_a_place_is_a_place():
    text = "We stayed in Hollister for a week. The best food in Hollister is near the pier, at Hollister harbour."
    assert [r for r in rows(text) if r[0] == "Hollister" and r[2] == "GPE"]


def test_an_apposition_outweighs_a_persons_cues():
    text = "Quelvix's shares rose. Quelvix raised money. The leader is Quelvix, a company from the north."
    assert [r for r in rows(text) if r[0] == "Quelvix" and r[2] == "ORG"]
    assert not [r for r in rows(text) if r[0] == "Quelvix" and r[2] == "PERSON"]


def test_a_kind_of_organisation_before_a_word_makes_it_one():
    assert ("Quelvix", "Quelvix", "ORG") in rows("The books came from the publisher Quelvix last year.")


def test_a_given_name_is_not_taken_for_a_title():
    found = rows("Foreign Minister Abba Quorvald spoke first. Quorvald later met the envoy.")
    assert ("Abba Quorvald", "Abba Quorvald", "PERSON") in found


# -- names the article settles by itself (workbench.ner.linking) ---------------------------------


@pytest.mark.parametrize("written", ["Tehran", "Tehrān"])
def test_a_romanised_place_name_is_written_as_english_writes_it(written):
    assert (written, "Tehran", "GPE") in rows(f"The Quorvacht caravan reached {written} in May.")


def test_the_letters_of_a_latin_alphabet_stay_in_a_place_name():
    assert ("Łódź", "Łódź", "GPE") in rows("The Quorvacht mill moved to Łódź in May.")


@pytest.mark.parametrize(
    ("text", "surface", "entity"),
    [
        ("The Quorvacht mill moved to Paris, Texas, in 1990.", "Paris", "Paris, Texas"),
        ("The Quorvacht diner stood near Zorgville, OK, for years.", "Zorgville", "Zorgville, Oklahoma"),
        ("Floods hit Quorvel County, Ohio, last spring.", "Quorvel County", "Quorvel County, Ohio"),
    ],
)
def test_a_place_before_a_us_state_is_named_with_that_state(text, surface, entity):
    assert (surface, entity, "GPE") in rows(text)


@pytest.mark.parametrize(
    ("text", "surface", "entity"),
    [
        ("The Quorvacht mill moved to Paris, France, in 1990.", "Paris", "Paris"),  # no US state
        ("The Quorvacht mill moved to Chicago, Illinois, in 1990.", "Chicago", "Chicago"),  # a city named alone
        ("The Quorvacht mill moved to Tbilisi, Georgia, in 1990.", "Tbilisi", "Tbilisi"),  # the country Georgia
    ],
)
def test_a_place_before_no_us_state_keeps_its_name(text, surface, entity):
    assert (surface, entity, "GPE") in rows(text)


def test_a_us_city_keeps_its_state_in_an_american_text():
    found = rows("The Quorvacht family left Antioch for Texas in 1990.")
    assert ("Antioch", "Antioch, California", "GPE") in found


def test_a_us_city_name_in_a_text_with_nothing_american_is_named_alone():
    found = rows("The Quorvacht family left Antioch for Syria in 390.")
    assert ("Antioch", "Antioch", "GPE") in found


def test_a_plural_for_a_group_of_islands_is_the_islands():
    text = "The Zentrovy Islands lie far to the east. Flights to the Zentrovys leave twice a week."
    assert [r for r in rows(text) if r[0] == "Zentrovys" and r[1] == "Zentrovy Islands" and r[2] in ("GPE", "LOC")]


def test_a_plural_name_without_its_group_of_places_stays():
    text = "Flights to the Zentrovys leave twice a week. The Quorvel Mountains lie far to the east."
    assert not [r for r in rows(text) if r[0] == "Zentrovys" and r[1] != "Zentrovys"]


def test_a_person_written_with_and_without_middle_names_is_named_as_first_written():
    text = "Mildred Quorvacht\n\nMildred Ann Quorvacht (born 1950) is a painter. Mildred Quorvacht lives in Basel."
    found = [r for r in rows(text) if r[2] == "PERSON"]
    assert ("Mildred Ann Quorvacht", "Mildred Quorvacht", "PERSON") in found
    assert ("Mildred Quorvacht", "Mildred Quorvacht", "PERSON") in found


def test_a_two_word_name_written_in_both_orders_is_one_person():
    found = rows("Kenji Zentaki (born 1901) was a poet. In Japan he signed as Zentaki Kenji, and Zentaki wrote daily.")
    assert ("Zentaki Kenji", "Kenji Zentaki", "PERSON") in found


def test_two_given_name_first_names_in_both_orders_stay_apart():
    found = rows("Ann Lee met Lee Ann at the Quorvacht mill in May.")
    assert ("Lee Ann", "Lee Ann", "PERSON") in found


@pytest.mark.parametrize("middle", ["J.", "II. Ann"])
def test_a_middle_initial_or_number_keeps_two_people_apart(middle):
    text = f"Mildred {middle} Quorvacht met her mother Mildred Quorvacht in Basel."
    found = rows(text)
    assert (f"Mildred {middle} Quorvacht", f"Mildred {middle} Quorvacht", "PERSON") in found
    assert ("Mildred Quorvacht", "Mildred Quorvacht", "PERSON") in found


def test_a_person_better_known_by_another_name_is_named_by_it():
    text = "Mildred Ann Quorvacht (born 1950), better known as Millie Zentrova, is a singer. Zentrova toured."
    found = [r for r in rows(text) if r[2] == "PERSON"]
    assert ("Mildred Ann Quorvacht", "Millie Zentrova", "PERSON") in found
    assert ("Millie Zentrova", "Millie Zentrova", "PERSON") in found


def test_a_name_a_person_is_also_known_by_changes_nothing():
    text = "Mildred Ann Quorvacht (born 1950), also known as Millie Zentrova, is a singer."
    assert ("Mildred Ann Quorvacht", "Mildred Ann Quorvacht", "PERSON") in rows(text)


def test_a_dateline_city_guessed_a_surname_is_the_city():
    found = rows("Quorvacht Labs opened a plant. Cleveland welcomed it, and Cleveland lost no jobs.")
    assert ("Cleveland", "Cleveland", "GPE") in found


def test_a_dateline_city_name_is_a_person_the_article_names_in_full():
    found = rows("Mildred Cleveland founded the firm. Cleveland retired in 1990.")
    assert ("Cleveland", "Mildred Cleveland", "PERSON") in found


def test_a_company_named_without_its_legal_form_is_the_company():
    found = rows("Shares of Quelvix Ltd rose. Quelvix said it would hire.")
    assert ("Quelvix Ltd", "Quelvix Ltd", "ORG") in found
    assert ("Quelvix", "Quelvix Ltd", "ORG") in found


def test_a_word_of_the_name_itself_is_no_legal_form():
    found = rows("The Atlantic Zentrovy Corporation hired staff.")
    assert ("Atlantic Zentrovy Corporation", "Atlantic Zentrovy Corporation", "ORG") in found
