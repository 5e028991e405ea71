"""People named by who they are to the writer: "my sister Anna", "my colleague Tom Becker", "ma sœur Claire", "mi
hermana Ana", "mia figlia Giulia", "mijn broer Daan", "minha mãe Maria".

People tell an assistant about their family, friends and colleagues as often as about themselves; a relation with a
possessive before a word with a capital is a sign that the word is a name (a pet's, "my dog Max", is no person's and
is left). Only with the possessives that begin with "m" ("my", "mon", "mi", "mijn", "meu"), and "our" and "your":
those are the words of the one scan that a relation is looked for around, and a word of it that began with a letter no
other word begins with would make every text's scan stop at more places (names.py). Not in German, whose nouns have
capitals too: "ich sage meinem Chef Bescheid", "weil meine Mutter Kuchen backt".
"""

from __future__ import annotations

import re

__all__ = ["RELATION_CUES", "RELATION_LABEL"]

_ENGLISH = (r"(?:my|our|your)\s+(?:(?:best|old|new|little|big|older|younger|elder|eldest|oldest|youngest|late|twin"
            r"|dear)\s+)?(?:(?:step-?|half-|ex-)?(?:wife|husband|partner|spouse|boyfriend|girlfriend|fianc[ée]e?|son"
            r"|daughter|kid|child|baby|mom|mum|mother|mama|mommy|dad|father|papa|daddy|sister|brother|sis|bro|grandma"
            r"|grandpa|grandmother|grandfather|granny|grandson|granddaughter|aunt|auntie|uncle|cousin|niece|nephew"
            r"|friend|buddy|pal|colleague|coworker|co-worker|boss|manager|supervisor|neighbou?r|roommate|flatmate"
            r"|housemate|landlord|landlady|tenant|doctor|dentist|therapist|lawyer|attorney|accountant|teacher|tutor"
            r"|student|assistant|secretary|nanny|babysitter|classmate|teammate|mentor|coach|ex)(?:-in-law)?"
            r"|team\s+lead|line\s+manager)")
_FRENCH = (r"(?:mon|ma|mes)\s+(?:(?:meilleur|meilleure|petit|petite|grand|grande)\s+)?(?:femme|mari|copain|copine"
           r"|fils|fille|mère|père|maman|papa|sœur|soeur|frère|grand-mère|grand-père|tante|oncle|cousin|cousine|ami"
           r"|amie|collègue|patron|patronne|voisin|voisine|chef|compagnon|compagne)")
_SPANISH_ITALIAN = (r"(?:mi|mis|mio|mia)\s+(?:(?:mejor|migliore)\s+)?(?:esposa|esposo|mujer|marido|novio|novia|hijo"
                    r"|hija|madre|padre|mamá|papá|hermano|hermana|abuela|abuelo|tía|tío|primo|prima|amigo|amiga|jefe"
                    r"|jefa|compañero|compañera|vecino|vecina|moglie|figlio|figlia|mamma|papà|fratello|sorella|nonna"
                    r"|nonno|zia|zio|cugino|cugina|amico|amica|collega|capo|vicino|vicina|fidanzato|fidanzata|ragazzo"
                    r"|ragazza)")
_DUTCH_PORTUGUESE = (r"(?:mijn|meu|minha)\s+(?:(?:beste|melhor)\s+)?(?:vrouw|man|vriend|vriendin|zoon|dochter|moeder"
                     r"|vader|mama|papa|broer|zus|zuster|oma|opa|tante|oom|collega|baas|buurman|buurvrouw|esposa"
                     r"|marido|mulher|filho|filha|mãe|pai|irmão|irmã|avó|avô|tia|tio|primo|prima|amigo|amiga|chefe"
                     r"|colega|vizinho|vizinha|namorado|namorada)")
RELATION_LABEL = re.compile(
    rf"\b(?:(?i:{_ENGLISH}|{_FRENCH}|{_SPANISH_ITALIAN}|{_DUTCH_PORTUGUESE}))(?![\w-])[ \t]*,?[ \t]+")
"""A relation and its possessive, then maybe a comma ("my boss, John Smith"): the name follows."""
RELATION_CUES = ("my ", "our ", "mon ", "ma ", "mes ", "mi ", "mis ", "mio ", "mia ", "mijn ", "meu ", "minha ")
"""Where a relation's possessive may be ("your" holds "our ")."""
