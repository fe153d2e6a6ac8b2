"""Where the demo lives: six counties of Inner Mongolia, one per brand project of the source report.

County codes are real GB/T 2260 codes (`services.common.region_data.COUNTIES`). Township codes
are the county code plus three digits and community codes add three more, as GB/T 10114 builds
them; the township and community names are indicative, not an official gazetteer.
"""

from dataclasses import dataclass

from services.common.region_data import COUNTIES, PREFECTURES


@dataclass(frozen=True)
class Township:
    code: str  # 9 digits
    name: str
    service_model: str  # embedded / sinking / bridging
    communities: tuple[tuple[str, str], ...]  # (12-digit code, name)


@dataclass(frozen=True)
class County:
    code: str  # 6 digits
    brand: str  # the brand project of the source report
    brand_description: str
    mongolian_share: float  # share of recipients and volunteers with Mongolian names
    townships: tuple[Township, ...]

    @property
    def name(self) -> str:
        return COUNTIES[self.code]

    @property
    def league(self) -> str:
        return PREFECTURES[self.code[:4]]


COUNTIES_IN_DEMO: tuple[County, ...] = (
    County(
        "150702",
        "幸福9号",
        "呼伦贝尔市“一站一品”品牌项目：以社工站为依托，为困难老人和儿童提供9类幸福服务。",
        0.35,
        (
            Township("150702001", "正阳街道", "embedded", (("150702001001", "正阳社区"), ("150702001002", "团结社区"))),
            Township("150702002", "健康街道", "sinking", (("150702002001", "健康社区"),)),
        ),
    ),
    County(
        "150781",
        "爱伴童行·圆梦边城",
        "满洲里市儿童关爱品牌项目：留守、困境儿童的陪伴、课业辅导与微心愿圆梦。",
        0.3,
        (
            Township("150781001", "东山街道", "embedded", (("150781001001", "东山社区"), ("150781001002", "北苑社区"))),
            Township("150781002", "道北街道", "bridging", (("150781002001", "五道街社区"),)),
        ),
    ),
    County(
        "150402",
        "乐众",
        "赤峰市“五社联动”品牌项目：培育社区社会组织，带动居民和志愿者参与社区服务。",
        0.15,
        (
            Township("150402001", "西屯街道", "sinking", (("150402001001", "西屯社区"), ("150402001002", "长青社区"))),
            Township("150402002", "永巨街道", "embedded", (("150402002001", "永巨社区"),)),
        ),
    ),
    County(
        "152502",
        "社工包裹",
        "锡林郭勒盟品牌项目：社工把政策、物资和服务打成“包裹”送到牧区困难家庭。",
        0.6,
        (
            Township("152502001", "希日塔拉街道", "embedded", (("152502001001", "希日塔拉社区"),)),
            Township(
                "152502101",
                "宝力根苏木",
                "bridging",
                (("152502101001", "白音锡勒嘎查"), ("152502101002", "巴彦宝拉格嘎查")),
            ),
        ),
    ),
    County(
        "150802",
        "圆梦微心愿",
        "巴彦淖尔市品牌项目：收集困难群众的微心愿，链接爱心企业和个人认领圆梦。",
        0.1,
        (
            Township(
                "150802001", "车站街道", "sinking", (("150802001001", "车站社区"), ("150802001002", "团结路社区"))
            ),
            Township("150802101", "狼山镇", "bridging", (("150802101001", "狼山村"),)),
        ),
    ),
    County(
        "152921",
        "空巢不空",
        "阿拉善盟品牌项目：为空巢、独居老人提供定期探访、精神慰藉和蒙古语陪伴。",
        0.5,
        (
            Township(
                "152921001", "巴彦浩特镇", "embedded", (("152921001001", "王府社区"), ("152921001002", "巴彦楚鲁嘎查"))
            ),
            Township("152921101", "温都尔勒图镇", "bridging", (("152921101001", "温都尔勒图嘎查"),)),
        ),
    ),
)


def county(code: str) -> County:
    return next(c for c in COUNTIES_IN_DEMO if c.code == code[:6])
