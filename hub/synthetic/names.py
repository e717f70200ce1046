"""Name lists by cultural group, nicknames, and similar names for twins.

Lists are ordered most common first; :func:`pick` draws with Zipf-like weights so common
names (Smith, Oliver, Amelia) recur, as they do in a real authority.
"""

from __future__ import annotations

import random
from itertools import accumulate

_BOYS = {
    "british": "Oliver Harry George Jack Noah Charlie Jacob Alfie Freddie Oscar Leo Thomas "
    "William James Joshua Henry Archie Ethan Joseph Samuel Alexander Daniel Mason Lucas "
    "Max Logan Dylan Riley Tyler Harrison Theo Edward Finley Reuben Kai Jayden Callum Lewis "
    "Connor Liam Kyle Ryan Bradley Jordan Nathan Owen Matthew Benjamin Frederick Alfred",
    "south_asian": "Muhammad Mohammed Ayaan Zain Ibrahim Yusuf Aryan Arjun Rayan Hamza Ali "
    "Omar Haris Ahmed Rohan Aarav Imran Bilal Sahil Kabir",
    "black": "Joshua David Daniel Samuel Emmanuel Jayden Kwame Tobi Chidi Kofi Elijah Isaac "
    "Malachi Tyrese Jaden Andre Marcus Jermaine",
    "east_european": "Jakub Filip Szymon Antoni Kacper Mateusz Dawid Oskar Lukas Matej "
    "Andrei Tomasz",
}
_GIRLS = {
    "british": "Olivia Amelia Isla Ava Mia Isabella Sophia Grace Lily Freya Emily Ivy Ella "
    "Rosie Evie Florence Poppy Charlotte Willow Sienna Daisy Phoebe Millie Ruby Chloe Jessica "
    "Holly Lacey Courtney Megan Leah Abigail Elizabeth Katherine Rebecca Victoria Eleanor "
    "Hannah Sophie Zoë Jasmine Paige Kayleigh Summer Amelie",
    "south_asian": "Maryam Aisha Fatima Zara Inaya Anaya Hafsa Amira Khadija Noor Aaliyah "
    "Priya Simran Anika Sana Ayesha Hira Mehreen",
    "black": "Amara Grace Precious Nia Zainab Blessing Adaeze Abena Esther Chloe Kiara "
    "Destiny Imani Tiana Deborah Favour",
    "east_european": "Zuzanna Julia Maja Zofia Hanna Lena Amelia Alicja Natalia Oliwia "
    "Wiktoria Ioana",
}
_SURNAMES = {
    "british": "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts "
    "Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke "
    "Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison "
    "Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths "
    "Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards "
    "Marshall Anderson Simpson Ellis Adams Wilkinson Foster Chapman Powell Webb Rogers Gray "
    "Mason Hunt Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell "
    "Barker Fisher Stevens Jenkins Murray Dixon Harvey O'Neill O'Connor McDonald Smith-Jones "
    "Doherty Gallagher Quinn Lowe Fletcher Hodgson Pickering Atkinson Sutcliffe",
    "south_asian": "Khan Patel Ali Hussain Ahmed Begum Singh Shah Akhtar Iqbal Rahman Mahmood "
    "Bibi Kaur Aslam Malik Chowdhury Sharma Mistry Uddin",
    "black": "Okafor Mensah Osei Adeyemi Boateng Campbell Williams Johnson Francis Thomas "
    "Okoro Asante Brown Edwards Clarke Nwosu Babatunde Reid",
    "east_european": "Nowak Kowalski Wisniewski Wojcik Kaminski Lewandowski Zielinski "
    "Popescu Ionescu Horvath Petrov Novak",
}
BOYS = {group: tuple(text.split()) for group, text in _BOYS.items()}
GIRLS = {group: tuple(text.split()) for group, text in _GIRLS.items()}
SURNAMES = {group: tuple(text.split()) for group, text in _SURNAMES.items()}

# given name -> what it is shortened to in everyday use (p.21: records rarely agree)
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Elizabeth": ("Liz", "Beth", "Lizzie"), "Alfred": ("Alfie", "Alf"), "Alfie": ("Alf",),
    "William": ("Will", "Billy"), "Thomas": ("Tom", "Tommy"), "James": ("Jim", "Jamie"),
    "Alexander": ("Alex", "Xander"), "Samuel": ("Sam", "Sammy"), "Daniel": ("Dan", "Danny"),
    "Joseph": ("Joe", "Joey"), "Benjamin": ("Ben", "Benji"), "Matthew": ("Matt",),
    "Oliver": ("Ollie", "Olly"), "Charlotte": ("Charlie", "Lottie"), "Jessica": ("Jess",),
    "Rebecca": ("Becky", "Becca"), "Katherine": ("Kate", "Katie", "Kathy"),
    "Victoria": ("Vicky", "Tori"), "Abigail": ("Abbie", "Abby"), "Isabella": ("Bella", "Izzy"),
    "Olivia": ("Liv", "Livvy"), "Amelia": ("Millie", "Mia"), "Frederick": ("Freddie", "Fred"),
    "Freddie": ("Fred",), "Harrison": ("Harry",), "Henry": ("Harry", "Hal"),
    "Joshua": ("Josh",), "Edward": ("Ed", "Eddie", "Ted"), "Jacob": ("Jake",),
    "Eleanor": ("Ellie", "Nell"), "Florence": ("Flo", "Florrie"), "Theo": ("Teddy",),
    "Archie": ("Arch",), "Nathan": ("Nate",), "Muhammad": ("Mo",), "Mohammed": ("Mo",),
    "Ibrahim": ("Ibby",), "Hannah": ("Han",), "Sophie": ("Soph",), "Jakub": ("Kuba",),
    "Zuzanna": ("Zuzia",), "Wiktoria": ("Wika",), "Callum": ("Cal",), "Megan": ("Meg",),
    "Emmanuel": ("Manny",), "Malachi": ("Kai",), "Precious": ("Prash",),
    "Zoë": ("Zoe",), "Mateusz": ("Matt",),
}
# spelling variants typed by a different person or system
VARIANTS: dict[str, tuple[str, ...]] = {
    "Muhammad": ("Mohammed", "Mohammad"), "Mohammed": ("Muhammad", "Mohamed"),
    "Jayden": ("Jaden", "Jaiden"), "Jaden": ("Jayden",), "Zoë": ("Zoe",), "Amelie": ("Amelia",),
    "Lacey": ("Lacie",), "Kayleigh": ("Kayley", "Kaylee"), "Aaliyah": ("Aliyah",),
    "Yusuf": ("Yousuf", "Yusef"), "Isla": ("Islah",), "Sienna": ("Siena",),
}
# twins are often given names that look alike
TWIN_PAIRS: tuple[tuple[str, str, str, str], ...] = (  # (name, sex, name, sex)
    ("Harry", "M", "Harvey", "M"), ("Ella", "F", "Ellie", "F"), ("Jayden", "M", "Jaden", "M"),
    ("Amelia", "F", "Amelie", "F"), ("Isla", "F", "Isabella", "F"),
    ("Mason", "M", "Madison", "F"), ("Leo", "M", "Leon", "M"), ("Lily", "F", "Lola", "F"),
    ("Hassan", "M", "Hussain", "M"), ("Aiden", "M", "Ayden", "M"), ("Ruby", "F", "Rosie", "F"),
    ("Freya", "F", "Faye", "F"), ("Oliver", "M", "Olivia", "F"), ("Jack", "M", "Jake", "M"),
)


def _weights(size: int) -> list[float]:
    return list(accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(size)))


_CUM: dict[int, list[float]] = {}


def pick(rng: random.Random, names: tuple[str, ...]) -> str:
    """A name drawn with Zipf-like weights (earlier names more common)."""
    cum = _CUM.get(len(names))
    if cum is None:
        cum = _CUM[len(names)] = _weights(len(names))
    return rng.choices(names, cum_weights=cum)[0]


def given_name(rng: random.Random, group: str, sex: str) -> str:
    return pick(rng, (BOYS if sex == "M" else GIRLS)[group])


SHARED_BY_SIBLINGS = frozenset({"Muhammad", "Mohammed"})
"""A first name brothers may share (in many Muslim families each son is Muhammad, known by his
second name); no other given name is given to two living siblings."""


def sibling_name(rng: random.Random, group: str, sex: str, taken: set[str]) -> str:
    """A given name not already used by a sibling (the short name lists would otherwise repeat
    one in about one family in ten). Muhammad may repeat."""
    name = given_name(rng, group, sex)
    for _ in range(50):
        if name not in taken or name in SHARED_BY_SIBLINGS:
            break
        name = given_name(rng, group, sex)
    return name
