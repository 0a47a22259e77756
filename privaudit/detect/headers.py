"""Header dictionary: what a column header says about the column's content.

Covers Chinese headers as registers write them (``户主姓名``, ``公民身份号码``,
``家庭住址``, ``是否低保户`` ...), English headers in any case and in snake, camel,
kebab or space-separated form (``full_name``, ``IDNumber``, ``Date of Birth``), and
the pinyin-initial codes of Chinese government systems (``XM``, ``SFZH``, ``LXDH``,
``JTZZ`` ...).  Headers are normalised first (NFKC, brackets such as ``（选填）`` and
``(元)``, ``*必填``, numbering like ``1.``, trailing colons and case are dropped).

Strength:

``strong``
    The header names the entity unambiguously (``身份证号``, ``民族``): the column
    can be classified from the header, and validators may accept low-specificity
    forms (``hinted=True``).
``weak``
    The header suggests the entity (``联系方式``, ``出生地``, ``单位名称``, two-letter
    pinyin codes): a hint that the values must confirm.

``free_text`` marks remark-like headers (``备注``, ``走访记录``, ``notes``): their cells
are narrative and should be scanned span by span.  A pure remark header has
``entity=None``; a narrative header about one topic keeps it (``病史`` → HEALTH).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["HeaderHint", "header_entity", "is_free_text_header", "normalize_header"]


@dataclass(frozen=True)
class HeaderHint:
    """What a header says: an entity of the vocabulary, how strongly, and whether it is free text.

    ``entity`` is None only for pure remark headers (``free_text`` is then True).
    """

    entity: str | None
    strength: str  # "strong" | "weak"
    free_text: bool = False


def _h(entity: str | None, strength: str = "strong", free_text: bool = False) -> HeaderHint:
    return HeaderHint(entity, strength, free_text)


# --------------------------------------------------------------------------- normalisation

_BRACKETED = re.compile(r"[(\[【{<《〔][^()\[\]【】{}<>《》〔〕]*[)\]】}>》〕]")
_BRACKET_CHARS = re.compile(r"[()\[\]【】{}<>《》〔〕]")
_DECORATION = re.compile(r"\*|非必填|必填项?|选填项?|可选|请填写|请输入")
_NUMBERING = re.compile(r"^(?:\d{1,2}|[一二三四五六七八九十]{1,3}|[①-⑳])[.、)\s]+(?=\D)")
_EDGE = " \t\r\n:：;；,，.。、-_*#=?？!！|/\\"


def normalize_header(name: object) -> str:
    """Return ``name`` cleaned for matching (case and inner spacing are kept).

    NFKC (full-width to ASCII), bracketed remarks (``（选填）``, ``(元)``), ``*`` and
    ``必填``/``选填``, leading numbering (``1.``, ``三、``) and trailing colons removed.
    If removing the brackets would leave nothing, the bracket contents are kept.
    """
    s = unicodedata.normalize("NFKC", str(name)).strip()
    s = s.replace("\u3000", " ")
    stripped = _BRACKETED.sub("", s)
    if not _DECORATION.sub("", stripped).strip(_EDGE):
        stripped = _BRACKET_CHARS.sub("", s)
    s = _DECORATION.sub("", stripped)
    s = _NUMBERING.sub("", s.strip(_EDGE))
    return s.strip(_EDGE)


def _compact(s: str) -> str:
    """Lower case, without spaces and separators (``Phone Number`` → ``phonenumber``)."""
    return re.sub(r"[\s_\-./\\|:·]+", "", s.lower())


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _tokens(s: str) -> list[str]:
    """English tokens: camel case and any non-alphanumeric character split words."""
    s = _CAMEL.sub("_", s)
    return [t for t in re.split(r"[^0-9a-zA-Z]+", s.lower()) if t]


# --------------------------------------------------------------------------- non-PII headers

#: Headers that say nothing: 字段3, col_5, Unnamed: 2, F7, 列1, column12, A ...
_MEANINGLESS = re.compile(
    r"^(?:(?:字段|列|栏|栏目|column|col|field|fld|f|c|v|var|x|attr|unnamed|未命名|无标题)\d*|[a-z]|\d+)$"
)

# --------------------------------------------------------------------------- Chinese rules
# First match wins; the order resolves substrings (身份证地址 is ADDRESS, 紧急联系人电话
# is PHONE_NUMBER, 与户主关系 is FAMILY, 出生地 is ADDRESS).  Patterns run on the
# compact lower-case header.

_NARRATIVE_SUFFIX = re.compile(r"(?:记录|说明|描述|详情|内容|备注|经过|史)$")

_CN_RULES: list[tuple[re.Pattern[str], HeaderHint]] = [
    (re.compile(p), hint)
    for p, hint in [
        # Postcodes, URLs, MAC addresses: not personal identifiers of the vocabulary.
        (r"邮编|邮政编码|网址|网站|url|链接|mac地址|mac", None),
        (r"邮箱|电子邮件|邮件地址|e?-?mail", _h("EMAIL_ADDRESS")),
        (r"(?<![a-z])ip(?:v[46])?(?![a-z])|ip地址", _h("IP_ADDRESS")),
        (r"经纬|经度|纬度|坐标|gps|定位", _h("GEO_COORDINATE")),
        (r"统一社会信用代码|社会信用代码|信用代码|营业执照(?:号|注册号|编号)", _h("CN_USCC")),
        (r"纳税人识别号|组织机构代码", _h("CN_USCC", "weak")),
        (r"车牌|号牌|车辆号码|车号", _h("CN_LICENSE_PLATE")),
        (r"护照", _h("CN_PASSPORT")),
        (r"通行证|回乡证|台胞证|往来港澳|往来台湾|港澳居民来往|台湾居民来往", _h("CN_TRAVEL_PERMIT")),
        # Bank names are financial context, not the card.
        (r"开户行|开户银行|银行名称|所属银行|发卡行", _h("FINANCIAL", "weak")),
        # Social-security/medical-insurance *cards* double as bank cards (金融社保卡); the
        # social-security *number* equals the resident ID (handled below).
        (r"社保卡号|社会保障卡号|医保卡号|社保卡账号|市民卡号", _h("BANK_CARD", "weak")),
        (r"银行卡|银行账|银行帐|银行卡号|开户账号|开户帐号|收款账|收款帐|存折|储蓄卡|信用卡|借记卡|结算账|结算帐",
         _h("BANK_CARD")),
        (r"^(?:账号|帐号|账户|帐户|卡号|账户号|帐户号|账户号码)$", _h("BANK_CARD", "weak")),
        # Addresses (before ID and person rules: 身份证地址, 联系人地址, 工作单位地址).
        (r"地址|住址|住所|门牌|详址|房号|楼号|户籍地址|家庭地址|通讯地址", _h("ADDRESS")),
        (r"出生地|籍贯|原籍|户籍地$|户籍所在地|户口所在地|所在地|现居地|居住地$|现居住地|位置|楼栋|单元号|房间号|室号|村组",
         _h("ADDRESS", "weak")),
        (r"电话|手机|座机|固话|移动号码|联系号码|手机号|tel", _h("PHONE_NUMBER")),
        (r"联系方式|联系电话号码|传真|微信号?$", _h("PHONE_NUMBER", "weak")),
        (r"身份证|公民身份号码|身份号码|身份证明号|证件号|居民身份|公民身份", _h("CN_RESIDENT_ID")),
        (r"社会保障号|社保号|社保编号|医保号|医保编号", _h("CN_RESIDENT_ID", "weak")),
        # Birth dates (出生地 was taken above).
        (r"出生日期|出生年月|出生年份|出生时间|生日|出生年", _h("DATE_OF_BIRTH")),
        (r"^出生$|出生", _h("DATE_OF_BIRTH", "weak")),
        # Relations before persons: 与户主关系 contains 户主; 是否户主 ends with it.
        (r"与户主关系|户主关系|家庭关系|亲属关系|成员关系|关系$|是否户主|监护关系|称谓", _h("FAMILY")),
        (r"家庭成员|同住人|共同居住人", _h("FAMILY", "strong", True)),
        (r"家庭人口|家属|亲属|子女|赡养|抚养|家庭结构|独生子女", _h("FAMILY")),
        (r"独居|空巢|留守", _h("FAMILY", "weak")),
        (r"姓名|名字|^姓$|^名$|曾用名|别名|户主|联系人$|联系人姓名|监护人$|申请人$|法定代表人$|法人代表|"
         r"当事人|被走访人|走访对象|来访人|求助人|反映人|投诉人|举报人|承租人$|业主$|房主$|户名$|持卡人|^配偶$|^父亲$|^母亲$",
         _h("PERSON")),
        (r"负责人$|经办人$|联系人|紧急联系人|担保人|收件人|收货人|签名|签字", _h("PERSON", "weak")),
        # Internal numbers: not PII (身份证编号, 残疾证编号 ... matched above or below).
        (r"工作单位|就业单位|就职单位|所在单位|服务单位", _h("OCCUPATION")),
        (r"残疾证|残疾人证|病案|病历|住院号|门诊号|就诊卡", _h("HEALTH")),
        (r"低保证|特困证|救助证", _h("FINANCIAL")),
        (r"房产证|不动产证|不动产权证|土地证|房屋所有权证|宅基地证", _h("PROPERTY")),
        (r"(?:订单|流水|档案|序|编|单|批次|工单|记录|业务|受理|事件|案件|任务|表单|登记|顺序|批|快递|运单|票据|发票|合同)"
         r"(?:号|号码|编号|编码)$|编号$|编码$|序号|^id$|^no$|^序$|^行号$|^uuid$|用户名|登录名|账户名|昵称",
         None),
        # Attributes.
        (r"性别", _h("GENDER")),
        (r"年龄|岁数|周岁|^岁$", _h("AGE")),
        (r"民族|族别", _h("ETHNICITY")),
        (r"宗教|信仰|信教", _h("RELIGION")),
        (r"健康|残疾|病史|疾病|病情|病种|患病|慢性病|既往史|诊断|体检|身体状况|身体情况|医疗|就诊|用药|过敏|"
         r"精神|怀孕|孕|传染病|重病|大病|失能|血型|病症|伤残|心理|疫苗|接种|核酸", _h("HEALTH")),
        (r"身高|体重", _h("HEALTH", "weak")),
        (r"婚姻|婚否|已婚|婚育|配偶情况", _h("MARITAL_STATUS")),
        (r"政治面貌|党派|党员|入党|政治身份|团员", _h("POLITICAL_AFFILIATION")),
        (r"文化程度|学历|学位|教育程度|受教育|文化水平|毕业院校|毕业学校|就读学校|在读学校|所学专业", _h("EDUCATION")),
        (r"前科|刑满释放|犯罪|违法|刑事|服刑|社区矫正|矫正|吸毒|戒毒|涉毒|涉案|案底|劳教|判刑|在逃|拘留|治安处罚|"
         r"邪教|涉邪|帮教|重点人员", _h("CRIMINAL_RECORD")),
        (r"收入|低保|特困|五保|贫困|困难类型|困难户|困难情况|救助|补助|补贴|资助|工资|薪资|薪酬|存款|负债|债务|贷款|欠款|"
         r"资产|财产|纳税|养老金|退休金|抚恤|建档立卡|脱贫|扶贫|低收入|经济状况|经济来源|家庭经济", _h("FINANCIAL")),
        (r"房产|房屋产权|产权|住房|房屋性质|房屋类型|不动产|宅基地|承包地|租房|租赁|房屋用途|房屋面积|居住类型|居住性质|"
         r"自有房", _h("PROPERTY")),
        (r"车辆|车型|私家车", _h("PROPERTY", "weak")),
        (r"人脸|指纹|虹膜|声纹|掌纹|面部|人像|生物特征|基因|dna|步态", _h("BIOMETRIC")),
        (r"照片|相片|头像|免冠", _h("BIOMETRIC", "weak")),
        (r"职业|工作单位|就业|职务|职称|岗位|从业|工种|务工|所在单位|就职|服务处所|工作情况|工作地点|现工作|退役军人",
         _h("OCCUPATION")),
        (r"单位$|行业|工作$|身份类别", _h("OCCUPATION", "weak")),
        # Narrative columns.
        (r"备注|说明|记录|诉求|处理情况|处理结果|处理意见|办理情况|办理结果|描述|详情|内容|意见|反映问题|问题|事由|"
         r"摘要|情况|备忘|附言|留言|评论|评价|反馈|调解|纪要|日志|其他|其它|补充|简介|简历|经历|原因|事项|笔录|备考",
         _h(None, "strong", True)),
    ]
]

# --------------------------------------------------------------------------- pinyin initials
# Exact codes (compared upper-case, separators removed).  Two-letter codes are weak
# except XM and XB, which are near-universal.
_PINYIN: dict[str, HeaderHint] = {}


def _py(entity: str | None, codes: str, free_text: bool = False) -> None:
    for code in codes.split():
        strength = "strong" if len(code) >= 3 or code in ("XM", "XB") else "weak"
        _PINYIN[code] = HeaderHint(entity, strength, free_text)


_py("PERSON", "XM XINGMING HZXM LXR LXRXM JHRXM CYM SQRXM PORXM FQXM MQXM")
_py("CN_RESIDENT_ID", "SFZH SFZHM SFZHAO SFZ GMSFHM SFHM ZJHM ZJH HZSFZH SFZJHM ZJHAO LXRSFZH JHRSFZH PORSFZH")
_py("PHONE_NUMBER", "LXDH SJHM SJH GDDH YDDH JTDH LXRDH JJLXRDH LXSJ DH SJHAO DHHM BGDH ZZDH JHRDH")
_py("ADDRESS", "JTZZ XZZ HJDZ JZDZ XJZD XXDZ MPH TXDZ LXDZ JZD XZD SFZDZ GZDWDZ HJZZ JTDZ XJZDZ ZZ DZ")
_py("ADDRESS", "HJD HJSZD HKSZD CSD JG")
for _code in ("HJD", "HJSZD", "HKSZD", "CSD", "JG"):
    _PINYIN[_code] = HeaderHint("ADDRESS", "weak")
_py("EMAIL_ADDRESS", "DZYX DZYJ YXDZ")
_py("BANK_CARD", "YHKH YHZH KHZH YHK YHKZH")
_PINYIN["SBKH"] = HeaderHint("BANK_CARD", "weak")
_py("CN_PASSPORT", "HZHM HZH")
_py("CN_TRAVEL_PERMIT", "TXZH TXZHM GATXZ")
_py("CN_LICENSE_PLATE", "CPH CPHM HPHM")
_py("CN_USCC", "TYSHXYDM SHXYDM XYDM")
_py("GEO_COORDINATE", "JWD")
_py("GENDER", "XB XINGBIE")
_py("DATE_OF_BIRTH", "CSRQ CSNY CSNYR")
_py("AGE", "NL")
_py("ETHNICITY", "MZ")
_py("RELIGION", "ZJXY")
_py("HEALTH", "JKZK CJLX CJDJ CJZH JWBS SFCJ STZK")
_py("MARITAL_STATUS", "HYZK")
_py("POLITICAL_AFFILIATION", "ZZMM")
_py("EDUCATION", "WHCD XL XW JYCD")
_py("OCCUPATION", "ZY GZDW JYZK ZYLB")
_py("FAMILY", "YHZGX YHZGXI JTGX")
_py("FAMILY", "JTCY", free_text=True)
_py("FINANCIAL", "YSR NSR JTSR SFDB KNLX JTNSR DBLX")
_py("PROPERTY", "FWCQ ZFXZ FCZH FWXZ")
_py("BIOMETRIC", "RLZP")
_PINYIN["ZP"] = HeaderHint("BIOMETRIC", "weak")
_py(None, "BZ QKSM ZFJL SQNR CLQK BZXX", free_text=True)
_PINYIN["BZ"] = HeaderHint(None, "strong", True)

# --------------------------------------------------------------------------- English rules

_NONE_EN = {
    "id", "uuid", "guid", "orderid", "orderno", "ordernumber", "serial", "serialno", "serialnumber", "seq",
    "sequence", "no", "num", "number", "index", "idx", "row", "rowid", "rownum", "recordid", "caseid",
    "ticket", "ticketid", "batch", "code", "postcode", "postalcode", "zip", "zipcode", "username", "userid",
    "login", "filename", "url", "link", "website", "mac", "macaddress", "key", "pk", "fk", "type", "status",
    "date", "time", "timestamp", "createdat", "updatedat", "created", "updated", "nickname", "displayname",
}

#: Compact English headers (tokens joined) with a fixed meaning.
_EN_EXACT: dict[str, HeaderHint] = {
    "contact": _h("PHONE_NUMBER", "weak"),
    "contactname": _h("PERSON"),
    "contactperson": _h("PERSON"),
    "emergencycontact": _h("PERSON", "weak"),
    "householder": _h("PERSON"),
    "headofhousehold": _h("PERSON"),
    "guardian": _h("PERSON", "weak"),
    "spouse": _h("PERSON", "weak"),
    "cell": _h("PHONE_NUMBER"),
    "location": _h("ADDRESS", "weak"),
    "birthplace": _h("ADDRESS", "weak"),
    "placeofbirth": _h("ADDRESS", "weak"),
    "hometown": _h("ADDRESS", "weak"),
    "nativeplace": _h("ADDRESS", "weak"),
    "ssn": _h("CN_RESIDENT_ID"),
    "sfz": _h("CN_RESIDENT_ID"),
    "school": _h("EDUCATION", "weak"),
    "company": _h("OCCUPATION", "weak"),
    "work": _h("OCCUPATION", "weak"),
    "position": _h("OCCUPATION", "weak"),
    "title": _h("OCCUPATION", "weak"),
    "party": _h("POLITICAL_AFFILIATION", "weak"),
    "photo": _h("BIOMETRIC", "weak"),
    "picture": _h("BIOMETRIC", "weak"),
    "portrait": _h("BIOMETRIC", "weak"),
    "avatar": _h("BIOMETRIC", "weak"),
    "signature": _h("BIOMETRIC", "weak"),
    "house": _h("PROPERTY", "weak"),
    "car": _h("PROPERTY", "weak"),
    "vehicle": _h("PROPERTY", "weak"),
    "condition": _h("HEALTH", "weak"),
    "other": _h(None, "strong", True),
    "text": _h(None, "strong", True),
    "content": _h(None, "strong", True),
    "message": _h(None, "strong", True),
}

#: Prefixes that make ``…name`` a person's name.
_PERSON_NAME_PREFIXES = {
    "", "first", "last", "full", "given", "family", "middle", "sur", "real", "legal", "person", "personal",
    "contact", "customer", "client", "patient", "resident", "member", "owner", "householder", "household",
    "applicant", "guardian", "spouse", "father", "mother", "chinese", "english", "cn", "en", "your", "my",
    "emergencycontact", "holder", "cardholder", "account", "accountholder", "employee", "staff", "student",
    "teacher", "visitor", "requester", "reporter", "petitioner", "tenant", "landlord", "head", "victim",
    "suspect", "user", "child", "parent", "contactperson", "recipient", "receiver", "sender", "buyer",
    "seller", "doctor", "nurse", "worker", "pinyin", "former", "alias", "maiden", "birth",
}
#: Prefixes that make ``…name`` something else (company_name, file_name ...).
_OTHER_NAME_PREFIXES = {
    "company", "org", "organization", "organisation", "file", "product", "street", "road", "village",
    "community", "city", "district", "province", "county", "town", "table", "column", "field", "sheet",
    "bank", "school", "unit", "dept", "department", "item", "project", "host", "domain", "display", "app",
    "brand", "model", "place", "business", "shop", "store", "hospital", "employer", "course", "class",
    "group", "team", "event", "service", "category", "type", "tag", "label", "key", "attribute",
    "server", "db", "database", "schema", "region", "area", "country", "state", "building", "estate",
    "nick", "screen", "login", "job", "task", "level", "grade", "disease", "drug", "medicine", "dataset",
    "source", "target", "method", "function", "module", "package", "device", "network", "station", "site",
}

#: Tokens that may follow ``name`` without changing its meaning (name_en, name_1).
_NAME_QUALIFIERS = {"en", "cn", "zh", "pinyin", "py", "1", "2", "3", "full", "official", "local"}

# Token rules: (regex on "_" + tokens + "_", hint); first match wins.  Long words also
# match inside compact headers (homeaddress), short ones only as whole tokens.
_EN_RULES: list[tuple[re.Pattern[str], HeaderHint]] = [
    (re.compile(p), hint)
    for p, hint in [
        (r"_(?:url|link|website|mac|macaddress|postcode|postalcode|zip|zipcode)_", None),
        (r"email|_e_mail_|_mail_", _h("EMAIL_ADDRESS")),
        (r"_ip_|_ipv[46]_|ipaddr", _h("IP_ADDRESS")),
        (r"_(?:lat|lng|lon|gps|geo)_|latitude|longitude|coord|geolocation", _h("GEO_COORDINATE")),
        (r"uscc|creditcode|_credit_code_|_social_credit_", _h("CN_USCC")),
        (r"passport", _h("CN_PASSPORT")),
        (r"_plate_|licenseplate|licenceplate|plateno|platenumber|_plate", _h("CN_LICENSE_PLATE")),
        (r"travelpermit|_travel_permit_|_permit_", _h("CN_TRAVEL_PERMIT", "weak")),
        (r"_id_(?:card|number|no|num|nr)_|_idcard|_idno_|_idnum|idnumber|identity|nationalid|_national_id_|"
         r"citizenid|_citizen_id_|residentid|_resident_id_|_ssn_", _h("CN_RESIDENT_ID")),
        (r"socialsecurity|_social_security_", _h("CN_RESIDENT_ID", "weak")),
        (r"_place_of_birth_|birthplace|hometown|_native_place_|_birth_place_", _h("ADDRESS", "weak")),
        (r"address|_addr_|street|residence|domicile|_dwelling_|housenumber|_house_(?:no|num|number)_|doorplate",
         _h("ADDRESS")),
        (r"phone|mobile|_tel_|_telephone_|_cell_|_fax_|telno|_contact_(?:no|number|num)_", _h("PHONE_NUMBER")),
        (r"_bank_|_iban_|bankcard|bankaccount|creditcard|debitcard|_card_(?:no|number|num|nr)_|cardno|"
         r"cardnumber|_account_(?:no|number|num|nr)_|accountno|accountnumber|_acct", _h("BANK_CARD")),
        (r"birth|_dob_|_born_", _h("DATE_OF_BIRTH")),
        (r"surname|_forename_", _h("PERSON")),
        (r"gender|_sex_", _h("GENDER")),
        (r"_age_|_ages_|_age_group_", _h("AGE")),
        (r"ethnic|_race_|_minzu_", _h("ETHNICITY")),
        (r"religio|_faith_|_belief_", _h("RELIGION")),
        (r"health|disab|medical|diagnos|disease|illness|allerg|medication|_blood_|pregnan|_mental_|_sick",
         _h("HEALTH")),
        (r"marital|marriage|_married_", _h("MARITAL_STATUS")),
        (r"political|_party_member_|partymember", _h("POLITICAL_AFFILIATION")),
        (r"education|_edu_|_degree_|qualification|diploma", _h("EDUCATION")),
        (r"criminal|_crime|conviction|offen[cs]e|_prison|_parole_|probation|_arrest|_jail", _h("CRIMINAL_RECORD")),
        (r"income|salary|_wage|subsid|allowance|welfare|_debt|_loan|pension|poverty|_dibao_|_assets?_|_tax_|"
         r"_financ", _h("FINANCIAL")),
        (r"propert|housing|_tenure_|realestate|_real_estate_|homeowner|_deed_", _h("PROPERTY")),
        (r"fingerprint|_face_|faceimage|facephoto|_iris_|biometric|voiceprint|_selfie_|_facial_", _h("BIOMETRIC")),
        (r"occupation|_job_|_jobs_|employer|profession|employment|workunit|_work_unit_|_job_title_", _h("OCCUPATION")),
        (r"famil|relation|household|relative|kinship|_members_|_children_|dependents", _h("FAMILY")),
        (r"_notes?_|remark|comment|descr|_desc_|_memo_|_details?_|narrative|_summary_|feedback|freetext|"
         r"_free_text_|observation|_reason_|_explanation_", _h(None, "strong", True)),
    ]
]


def _english(norm: str) -> HeaderHint | None | bool:
    """Match an English header; False when nothing matched (so pinyin may try)."""
    tokens = _tokens(norm)
    if not tokens:
        return False
    compact = "".join(tokens)
    if compact in _NONE_EN:
        return None
    if compact in _EN_EXACT:
        return _EN_EXACT[compact]
    # …name: a person's name unless the prefix names something else.
    if compact.endswith("name") and compact not in ("surname",):
        prefix = compact[: -len("name")]
        if prefix.endswith("s") and prefix[:-1] in _PERSON_NAME_PREFIXES:  # persons_name
            prefix = prefix[:-1]
        if prefix in _PERSON_NAME_PREFIXES:
            return _h("PERSON")
        head = "".join(tokens[:-1]) if tokens[-1] == "name" else prefix
        if head in _OTHER_NAME_PREFIXES or any(t in _OTHER_NAME_PREFIXES for t in tokens[:-1]):
            return None
        if tokens[-1] == "name" or prefix:
            return _h("PERSON", "weak")
    if "name" in tokens and all(t in _PERSON_NAME_PREFIXES or t in _NAME_QUALIFIERS for t in tokens if t != "name"):
        return _h("PERSON")  # name_en, name_pinyin, name_1
    keyed = "_" + "_".join(tokens) + "_"
    for rule, hint in _EN_RULES:
        if rule.search(keyed) or rule.search("_" + compact + "_"):
            return hint
    return False


def _pinyin(norm: str) -> HeaderHint | None:
    code = re.sub(r"[^0-9A-Za-z]", "", norm).upper()
    if code in _PINYIN:
        return _PINYIN[code]
    # Prefixed codes: T_RY_SFZH, hz.xm → last token (three letters or more, or XM).
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", norm.upper()) if p]
    if len(parts) > 1 and parts[-1] in _PINYIN and (len(parts[-1]) >= 3 or parts[-1] == "XM"):
        return _PINYIN[parts[-1]]
    return None


_HAN = re.compile(r"[\u3400-\u9fff]")


@functools.lru_cache(maxsize=8192)
def header_entity(name: str) -> HeaderHint | None:
    """Return what the header ``name`` says about its column, or None when it says nothing.

    >>> header_entity("户主姓名")
    HeaderHint(entity='PERSON', strength='strong', free_text=False)
    >>> header_entity("身份证地址").entity
    'ADDRESS'
    >>> header_entity("SFZH").entity
    'CN_RESIDENT_ID'
    >>> header_entity("字段3") is None
    True
    """
    norm = normalize_header(name)
    if not norm:
        return None
    compact = _compact(norm)
    if not compact or _MEANINGLESS.match(compact):
        return None
    if _HAN.search(compact):
        for rule, hint in _CN_RULES:
            if rule.search(compact):
                if hint is not None and hint.entity and not hint.free_text and _NARRATIVE_SUFFIX.search(compact):
                    return HeaderHint(hint.entity, hint.strength, True)
                return hint
        return None
    found = _english(norm)
    if found is not False:
        return found  # type: ignore[return-value]
    return _pinyin(norm)


def is_free_text_header(name: str) -> bool:
    """True if the header marks a narrative column (备注, 情况说明, 走访记录, notes, remarks …)."""
    hint = header_entity(name)
    return bool(hint and hint.free_text)
