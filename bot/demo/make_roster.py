"""Generate the deterministic demo roster ``roster.csv`` next to this script."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

SEED = 2026
TOWNSHIP = "金溪镇"
OUTPUT = Path(__file__).with_name("roster.csv")
HEADER = [
    "编号",
    "姓名",
    "镇",
    "网格",
    "村",
    "屋场",
    "户号",
    "在家",
    "党员",
    "年龄",
    "角色",
    "手机",
]

HEAD = "屋场长"
RECORDER = "记录员"
VILLAGE_CADRE = "村干部"
TOWNSHIP_OFFICIAL = "镇干部"

# Grid -> village -> homestead -> dominant clan surnames (heaviest first).
LAYOUT: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "东片网格": {
        "金竹村": {"枫树湾": ("李", "张"), "老屋场": ("王",), "杨家湾": ("杨",)},
        "清水村": {"石门口": ("石", "周"), "竹山下": ("黄", "李")},
        "杨柳村": {"桥头": ("吴", "彭"), "岭背": ("邓",), "柳树塘": ("谢", "罗")},
        "石桥村": {"大屋场": ("胡",), "新屋场": ("胡", "曾")},
    },
    "西片网格": {
        "丰收村": {"老屋场": ("唐",), "上屋": ("彭", "龙"), "下屋": ("彭", "廖")},
        "长冲村": {"茶园里": ("何", "肖"), "樟树下": ("易",)},
        "新塘村": {"塘坎上": ("袁", "贺"), "刘家冲": ("刘",), "油坊里": ("蒋", "汤")},
        "白沙村": {"沙洲上": ("欧阳", "谭"), "陈家垅": ("陈",)},
    },
}

# The first homestead of the first village has a fixed shape for the demo script.
ANCHOR = ("金竹村", "枫树湾")
ANCHOR_HOUSEHOLDS = 40
ANCHOR_AWAY = 8

# Common surnames of the region, for wives married in and for township officials.
SURNAMES: tuple[str, ...] = (
    *"李王张刘陈杨黄赵周吴徐孙朱胡郭何罗高林谢唐邓彭曾肖田蒋袁邹龙易贺谭廖汤文颜钟段石向夏雷",
    "欧阳",
)
MALE_CHARS = "建国伟强军明华平志勇德福忠清林海东立新文斌春生贵桂发成宏永杰庆兵"
FEMALE_CHARS = "秀英兰芳玉梅桂珍凤霞红丽娟敏燕莲春翠琴花菊娥香云群美萍荣金银"
# Mobile prefixes by family: "13" + "0" -> "130", and so on.
PHONE_PREFIXES: tuple[str, ...] = tuple(
    family + digit
    for family, digits in (
        ("13", "012356789"),
        ("15", "012356789"),
        ("18", "01236789"),
        ("19", "13589"),
    )
    for digit in digits
)

AWAY_SHARE = 0.20
PHONE_SHARE = 0.69
PARTY_SHARE_PLAIN = 0.055
PARTY_SHARE_RECORDER = 0.35
MINOR_SHARE_DEPENDANT = 0.45
MAX_ROWS = 2500


@dataclass
class Person:
    """One roster row before its id is assigned."""

    name: str
    age: int
    party: bool
    role: str = ""
    phone: str = ""
    grid: str = ""
    village: str = ""
    homestead: str = ""
    household: int | None = None
    at_home: bool | None = None

    def row(self, pid: str) -> list[str]:
        """Return the CSV cells for this person under the given id."""
        return [
            pid,
            self.name,
            TOWNSHIP,
            self.grid,
            self.village,
            self.homestead,
            "" if self.household is None else str(self.household),
            "" if self.at_home is None else yes_no(self.at_home),
            yes_no(self.party),
            str(self.age),
            self.role,
            self.phone,
        ]


@dataclass
class Generator:
    """Seeded roster builder; every random draw goes through ``rng``."""

    rng: random.Random
    phones: set[str] = field(default_factory=set)
    names_by_village: dict[str, set[str]] = field(default_factory=dict)

    def phone(self) -> str:
        """Draw a fresh, unique 11-digit mobile number."""
        while True:
            number = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def given_name(self, male: bool) -> str:
        """Draw a one- or two-character given name."""
        chars = MALE_CHARS if male else FEMALE_CHARS
        if self.rng.random() < 0.3:
            return self.rng.choice(chars)
        return self.rng.choice(chars) + self.rng.choice(chars)

    def name(self, surname: str, male: bool, village: str) -> str:
        """Draw a full name that is not yet used in the village."""
        taken = self.names_by_village.setdefault(village, set())
        while True:
            full = surname + self.given_name(male)
            if len(full) <= 3 and full not in taken:
                taken.add(full)
                return full

    def clan_surname(self, clans: tuple[str, ...]) -> str:
        """Draw a household surname, mostly from the homestead's clans."""
        if self.rng.random() < 0.85:
            weights = [3**i for i in range(len(clans), 0, -1)]
            return self.rng.choices(clans, weights=weights)[0]
        return self.rng.choice(SURNAMES)

    def adult_age(self) -> int:
        """Draw an adult age skewed toward the elderly who stay in the village."""
        band = self.rng.choices(((18, 39), (40, 59), (60, 85)), weights=(22, 33, 45))[0]
        return self.rng.randint(*band)

    def household(
        self,
        village: str,
        clans: tuple[str, ...],
        lead_age: tuple[int, int] | None = None,
    ) -> list[Person]:
        """Draw the members of one household; the householder comes first."""
        size = self.rng.choices((1, 2, 3), weights=(30, 45, 25))[0]
        surname = self.clan_surname(clans)
        male = self.rng.random() < 0.8
        age = self.rng.randint(*lead_age) if lead_age else self.adult_age()
        members = [Person(self.name(surname, male, village), age, False)]
        if size >= 2:
            spouse_age = min(85, max(18, age + self.rng.randint(-6, 4)))
            spouse_surname = self.rng.choice(SURNAMES)
            members.append(Person(self.name(spouse_surname, not male, village), spouse_age, False))
        if size == 3:
            if self.rng.random() < MINOR_SHARE_DEPENDANT and age >= 35:
                dep_age = self.rng.randint(16, 17)
            elif age >= 45:
                dep_age = max(18, age - self.rng.randint(22, 32))
            else:
                dep_age = min(85, age + self.rng.randint(22, 30))
            child_male = self.rng.random() < 0.5
            members.append(Person(self.name(surname, child_male, village), dep_age, False))
        return members

    def homestead(
        self,
        grid: str,
        village: str,
        homestead: str,
        clans: tuple[str, ...],
        cadres: int,
    ) -> list[Person]:
        """Build every household of one homestead, with its head, recorder and cadres."""
        anchor = (village, homestead) == ANCHOR
        count = ANCHOR_HOUSEHOLDS if anchor else self.rng.randint(30, 50)
        numbers = list(range(1, count + 1))
        if anchor:
            # Keep the anchor's head and recorder near the top of the file.
            head_no, recorder_no = 1, 2
            rest = numbers[2:]
        else:
            head_no, recorder_no = self.rng.sample(numbers, 2)
            rest = [n for n in numbers if n not in (head_no, recorder_no)]
        cadre_nos = set(self.rng.sample(rest, cadres))
        resident_only = {head_no, recorder_no, *cadre_nos}
        free = [n for n in numbers if n not in resident_only]
        if anchor:
            away = set(self.rng.sample(free, ANCHOR_AWAY))
        else:
            away = {n for n in free if self.rng.random() < AWAY_SHARE}

        people: list[Person] = []
        for number in numbers:
            if number == head_no:
                members = self.household(village, clans, lead_age=(35, 65))
                members[0].role, members[0].party = HEAD, True
            elif number == recorder_no:
                members = self.household(village, clans, lead_age=(25, 60))
                members[0].role = RECORDER
                members[0].party = self.rng.random() < PARTY_SHARE_RECORDER
            elif number in cadre_nos:
                members = self.household(village, clans, lead_age=(30, 58))
                members[0].role, members[0].party = VILLAGE_CADRE, True
            else:
                members = self.household(village, clans)
            for member in members:
                member.grid, member.village, member.homestead = grid, village, homestead
                member.household = number
                member.at_home = number not in away
                if not member.role and self.rng.random() < PARTY_SHARE_PLAIN:
                    member.party = member.age >= 18
                if member.role or self.rng.random() < PHONE_SHARE:
                    member.phone = self.phone()
            people.extend(members)
        return people

    def officials(self) -> list[Person]:
        """Build the township officials, who belong to no grid or village."""
        people = []
        for _ in range(3):
            name = self.name(self.rng.choice(SURNAMES), self.rng.random() < 0.6, TOWNSHIP)
            people.append(
                Person(name, self.rng.randint(30, 55), True, TOWNSHIP_OFFICIAL, self.phone())
            )
        return people

    def roster(self) -> list[Person]:
        """Build the whole roster in file order."""
        people = self.officials()
        for grid, villages in LAYOUT.items():
            for village, homesteads in villages.items():
                cadre_homes = self.rng.choices(list(homesteads), k=2)
                for homestead, clans in homesteads.items():
                    cadres = cadre_homes.count(homestead)
                    people.extend(self.homestead(grid, village, homestead, clans, cadres))
        return people


def yes_no(flag: bool) -> str:
    """Render a flag the way the roster spells it."""
    return "是" if flag else "否"


def main() -> None:
    """Generate the roster and write it next to this script."""
    people = Generator(random.Random(SEED)).roster()
    if len(people) >= MAX_ROWS:
        raise SystemExit(f"roster too large: {len(people)} rows")
    with OUTPUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for index, person in enumerate(people, start=1):
            writer.writerow(person.row(f"P{index:04d}"))
    print(f"wrote {len(people)} rows to {OUTPUT}")


if __name__ == "__main__":
    main()
