"""Plausible, clearly fictional personal data: names, ID numbers, mobile numbers, addresses.

Everything comes from one `random.Random`, so the same seed gives the same people. ID numbers
are valid (GB 11643 check character, birth date inside) but drawn for made-up people; mobile
numbers use the 170/171 virtual-operator blocks; every address names a 演示 (demo) compound.
"""

import random
from datetime import date

from services.common.personal_data import id_check_character

HAN_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
HAN_GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林锋亮成志东海峰建国庆福全德胜文玉山"
HAN_GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英华慧巧美娅淑惠珠翠雅芝玉萍红玲芬燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹香月莺媛"
# Mongolian given names as commonly written in Chinese characters (often without a surname).
MONGOLIAN_MALE = [
    "巴特尔",
    "苏和",
    "额尔敦",
    "朝鲁",
    "宝音",
    "那顺",
    "孟和",
    "巴雅尔",
    "额尔德尼",
    "其木德",
    "阿拉坦",
    "布和",
    "达来",
    "哈斯",
    "吉日嘎拉",
    "胡日查",
    "乌力吉",
    "毕力格",
    "图雅其",
    "斯琴巴特",
]
MONGOLIAN_FEMALE = [
    "其其格",
    "乌兰",
    "萨仁",
    "斯琴",
    "高娃",
    "娜仁",
    "托娅",
    "乌日娜",
    "塔娜",
    "琪琪格",
    "图雅",
    "萨日娜",
    "阿拉坦花",
    "敖登",
    "苏布达",
    "诺敏",
    "格日勒",
    "乌云",
    "满都拉",
    "吉雅",
]
# Surnames Mongolian families often take in Chinese (包, 宝, 白, 韩, 奇, 鲍).
MONGOLIAN_SURNAMES = "包宝白韩奇鲍"

COMPOUNDS = ["幸福", "和谐", "团结", "草原", "阳光", "北苑", "新华", "友谊", "兴安", "安康"]


class PersonFactory:
    """Names, ID numbers and phones that never repeat within one factory."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._id_numbers: set[str] = set()
        self._phones: set[str] = set()

    def name(self, gender: str, mongolian: bool = False) -> str:
        rng = self.rng
        if mongolian:
            given = rng.choice(MONGOLIAN_MALE if gender == "male" else MONGOLIAN_FEMALE)
            return (rng.choice(MONGOLIAN_SURNAMES) + given) if rng.random() < 0.4 else given
        pool = HAN_GIVEN_MALE if gender == "male" else HAN_GIVEN_FEMALE
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.6 else "")
        return rng.choice(HAN_SURNAMES) + given

    def birth_date(self, first_year: int, last_year: int) -> date:
        year = self.rng.randint(first_year, last_year)
        return date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def id_number(self, county_code: str, birth: date, gender: str) -> str:
        """18 characters: county, birth date, sequence (odd for men, even for women), check."""
        while True:
            sequence = self.rng.randint(0, 499) * 2 + (1 if gender == "male" else 0)
            first17 = f"{county_code}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_character(first17)
            if number not in self._id_numbers:
                self._id_numbers.add(number)
                return number

    def mobile(self) -> str:
        while True:
            number = f"17{self.rng.choice('01')}{self.rng.randint(0, 99_999_999):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def address(self, place: str) -> str:
        rng = self.rng
        return (
            f"{place}{rng.choice(COMPOUNDS)}演示小区{rng.randint(1, 30)}号楼"
            f"{rng.randint(1, 6)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}"
        )
