"""Who appears in the generated feeds: local sellers and owners, buyers, banks, people.

People are invented (surname + given name from short lists) but their resident identity
numbers carry valid check characters, as real ones do: they are personal data all the same.
"""

from __future__ import annotations

import random
from datetime import date

from zhuanhua.domain.identifiers import USCC_ALPHABET, resident_id_check_char, uscc_check_char

# (name, nature code, county division) of organisations in the city.
LOCAL_ORGANISATIONS = [
    ("西南医科大学", "022", "510504"),
    ("四川警察学院", "022", "510502"),
    ("四川化工职业技术学院", "022", "510504"),
    ("泸州职业技术学院", "022", "510504"),
    ("泸州市农业科学研究院", "021", "510502"),
    ("四川省酿酒研究所", "021", "510502"),
    ("西南医科大学附属医院", "023", "510504"),
    ("泸州老窖股份有限公司", "160", "510502"),
    ("泸州北方化学工业有限公司", "150", "510503"),
    ("四川泸天化股份有限公司", "160", "510503"),
    ("泸州市长江机械有限公司", "170", "510521"),
    ("合江县荔枝科技有限公司", "170", "510522"),
    ("古蔺郎酒科技有限公司", "150", "510525"),
    ("叙永县竹业技术服务中心", "020", "510524"),
    ("泸州高新区智能装备有限公司", "170", "510504"),
    ("泸州市生态环境监测站", "020", "510502"),
]
LOCAL_ENTERPRISES = [o for o in LOCAL_ORGANISATIONS if o[1] >= "100"] + [
    ("泸州市龙马潭区制药有限公司", "170", "510504"),
    ("泸县新材料有限公司", "150", "510521"),
    ("泸州云溪智造科技有限公司", "170", "510502"),
    ("纳溪区特色农产品加工有限公司", "170", "510503"),
]
# (name, nature code, country, division) of buyers anywhere.
BUYERS = [
    *((name, nature, "CN", division) for name, nature, division in LOCAL_ENTERPRISES),
    ("成都天府软件有限公司", "150", "CN", "510100"),
    ("宜宾五粮液技术有限公司", "160", "CN", "511500"),
    ("绵阳长虹电子科技有限公司", "160", "CN", "510700"),
    ("德阳东方装备有限公司", "110", "CN", "510600"),
    ("重庆两江智造有限公司", "150", "CN", "500000"),
    ("贵州茅台技术开发有限公司", "160", "CN", "520000"),
    ("上海浦江生物医药有限公司", "310", "CN", "310000"),
    ("广东粤海新能源有限公司", "150", "CN", "440000"),
    ("香港大昌科技有限公司", "900", "HK", None),
    ("Pacific Bio Labs Inc.", "900", "US", None),
    ("泸州市江阳区人民政府", "012", "CN", "510502"),
]
BANKS = {
    "PSBC": "中国邮政储蓄银行泸州分行",
    "ABC": "中国农业银行泸州分行",
    "LZB": "泸州银行股份有限公司",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "秀兰",
]


def uscc(name: str, nature: str) -> str:
    """A valid, stable code for a name; the first two characters follow the kind of body."""
    prefix = "12" if nature.startswith("02") else "11" if nature.startswith("01") else "91"
    body = f"{prefix}510500{''.join(random.Random(name).choices(USCC_ALPHABET, k=9))}"
    return body + uscc_check_char(body)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def resident_id(rng: random.Random, division: str) -> str:
    """A valid 18-character number; the division may be younger than its holder (domain §3)."""
    born = date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
    body = f"{division}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + resident_id_check_char(body)


def with_wrong_check_char(code: str) -> str:
    """The same identifier with its last (check) character changed: a defect to inject."""
    return code[:-1] + ("0" if code[-1] != "0" else "1")
