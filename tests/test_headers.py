"""Header dictionary: Chinese, English and pinyin-initial headers → entity hints."""

from __future__ import annotations

import dataclasses
import time

import pytest

from privaudit.detect.headers import HeaderHint, header_entity, is_free_text_header, normalize_header
from privaudit.entities import ALL_ENTITIES

CHINESE = {
    "姓名": "PERSON", "户主姓名": "PERSON", "联系人": "PERSON", "身份证号": "CN_RESIDENT_ID",
    "公民身份号码": "CN_RESIDENT_ID", "证件号码": "CN_RESIDENT_ID", "身份证号码": "CN_RESIDENT_ID",
    "联系电话": "PHONE_NUMBER", "手机号": "PHONE_NUMBER", "手机号码": "PHONE_NUMBER", "固定电话": "PHONE_NUMBER",
    "电话": "PHONE_NUMBER", "家庭住址": "ADDRESS", "现住址": "ADDRESS", "户籍地址": "ADDRESS", "居住地址": "ADDRESS",
    "详细地址": "ADDRESS", "住址": "ADDRESS", "门牌号": "ADDRESS", "邮箱": "EMAIL_ADDRESS",
    "电子邮箱": "EMAIL_ADDRESS", "银行卡号": "BANK_CARD", "开户账号": "BANK_CARD", "社保卡号": "BANK_CARD",
    "护照号": "CN_PASSPORT", "港澳通行证号": "CN_TRAVEL_PERMIT", "车牌号": "CN_LICENSE_PLATE",
    "统一社会信用代码": "CN_USCC", "IP地址": "IP_ADDRESS", "经度": "GEO_COORDINATE", "纬度": "GEO_COORDINATE",
    "经纬度": "GEO_COORDINATE", "坐标": "GEO_COORDINATE", "性别": "GENDER", "出生日期": "DATE_OF_BIRTH",
    "出生年月": "DATE_OF_BIRTH", "年龄": "AGE", "民族": "ETHNICITY", "宗教信仰": "RELIGION", "健康状况": "HEALTH",
    "残疾类型": "HEALTH", "病史": "HEALTH", "婚姻状况": "MARITAL_STATUS", "政治面貌": "POLITICAL_AFFILIATION",
    "房屋产权": "PROPERTY", "住房性质": "PROPERTY", "房产证号": "PROPERTY", "月收入": "FINANCIAL",
    "低保": "FINANCIAL", "是否低保户": "FINANCIAL", "困难类型": "FINANCIAL", "前科": "CRIMINAL_RECORD",
    "刑满释放": "CRIMINAL_RECORD", "人脸照片": "BIOMETRIC", "指纹": "BIOMETRIC", "文化程度": "EDUCATION",
    "学历": "EDUCATION", "职业": "OCCUPATION", "工作单位": "OCCUPATION", "与户主关系": "FAMILY",
    "家庭成员": "FAMILY",
    # Substrings that must not mislead.
    "身份证地址": "ADDRESS", "紧急联系人电话": "PHONE_NUMBER", "联系人地址": "ADDRESS", "出生地": "ADDRESS",
    "工作单位地址": "ADDRESS", "工作单位电话": "PHONE_NUMBER", "是否残疾": "HEALTH", "户主身份证号": "CN_RESIDENT_ID",
    "是否户主": "FAMILY", "配偶姓名": "PERSON", "邮箱地址": "EMAIL_ADDRESS", "残疾证号": "HEALTH",
    "户籍所在地": "ADDRESS", "籍贯": "ADDRESS", "现居住地址": "ADDRESS", "低保证编号": "FINANCIAL",
    "身份证编号": "CN_RESIDENT_ID", "民族代码": "ETHNICITY", "家庭人口": "FAMILY", "社会保障号码": "CN_RESIDENT_ID",
    "网格员姓名": "PERSON", "联系人及电话": "PHONE_NUMBER", "疫苗接种情况": "HEALTH", "是否党员": "POLITICAL_AFFILIATION",
    "楼栋": "ADDRESS", "单元号": "ADDRESS", "开户银行": "FINANCIAL",
}

ENGLISH = {
    "name": "PERSON", "Name": "PERSON", "full_name": "PERSON", "FullName": "PERSON", "first name": "PERSON",
    "lastName": "PERSON", "surname": "PERSON", "contact_name": "PERSON", "id_number": "CN_RESIDENT_ID",
    "IDNumber": "CN_RESIDENT_ID", "id_card": "CN_RESIDENT_ID", "idCardNo": "CN_RESIDENT_ID", "ID No.": "CN_RESIDENT_ID",
    "national_id": "CN_RESIDENT_ID", "ssn": "CN_RESIDENT_ID", "phone": "PHONE_NUMBER", "Phone Number": "PHONE_NUMBER",
    "mobile": "PHONE_NUMBER", "MOBILE_NO": "PHONE_NUMBER", "tel": "PHONE_NUMBER", "telephone": "PHONE_NUMBER",
    "emergency_contact_phone": "PHONE_NUMBER", "address": "ADDRESS", "home_address": "ADDRESS",
    "Address Line 1": "ADDRESS", "mailing_address": "ADDRESS", "house_number": "ADDRESS", "email": "EMAIL_ADDRESS",
    "e-mail": "EMAIL_ADDRESS", "E-Mail Address": "EMAIL_ADDRESS", "bank_account": "BANK_CARD",
    "bankCardNo": "BANK_CARD", "account_number": "BANK_CARD", "passport": "CN_PASSPORT", "passport_no": "CN_PASSPORT",
    "plate": "CN_LICENSE_PLATE", "license_plate": "CN_LICENSE_PLATE", "ip_address": "IP_ADDRESS",
    "IPAddress": "IP_ADDRESS", "latitude": "GEO_COORDINATE", "lng": "GEO_COORDINATE", "gender": "GENDER",
    "SEX": "GENDER", "dob": "DATE_OF_BIRTH", "birth_date": "DATE_OF_BIRTH", "Date of Birth": "DATE_OF_BIRTH",
    "birthday": "DATE_OF_BIRTH", "birthplace": "ADDRESS", "age": "AGE", "ethnicity": "ETHNICITY",
    "religion": "RELIGION", "health": "HEALTH", "health_status": "HEALTH", "disability": "HEALTH",
    "marital_status": "MARITAL_STATUS", "maritalStatus": "MARITAL_STATUS", "political_status": "POLITICAL_AFFILIATION",
    "income": "FINANCIAL", "monthly_income": "FINANCIAL", "salary": "FINANCIAL", "education": "EDUCATION",
    "education_level": "EDUCATION", "occupation": "OCCUPATION", "employer": "OCCUPATION", "job_title": "OCCUPATION",
    "relationship": "FAMILY", "household_relation": "FAMILY", "fingerprint": "BIOMETRIC", "face_image": "BIOMETRIC",
    "criminal_record": "CRIMINAL_RECORD", "housing": "PROPERTY", "property_type": "PROPERTY",
    "name_en": "PERSON", "name_pinyin": "PERSON",
}

PINYIN = {
    "XM": "PERSON", "SFZH": "CN_RESIDENT_ID", "ZJHM": "CN_RESIDENT_ID", "GMSFHM": "CN_RESIDENT_ID",
    "LXDH": "PHONE_NUMBER", "SJHM": "PHONE_NUMBER", "JTZZ": "ADDRESS", "XZZ": "ADDRESS", "HJDZ": "ADDRESS",
    "XB": "GENDER", "CSRQ": "DATE_OF_BIRTH", "NL": "AGE", "MZ": "ETHNICITY", "ZJXY": "RELIGION", "JKZK": "HEALTH",
    "HYZK": "MARITAL_STATUS", "ZZMM": "POLITICAL_AFFILIATION", "WHCD": "EDUCATION", "XL": "EDUCATION",
    "ZY": "OCCUPATION", "GZDW": "OCCUPATION", "YHZGX": "FAMILY", "YHKH": "BANK_CARD", "CPH": "CN_LICENSE_PLATE",
    "DZYX": "EMAIL_ADDRESS", "xm": "PERSON", "sfzh": "CN_RESIDENT_ID", "hz_xm": "PERSON", "T_RY_SFZH": "CN_RESIDENT_ID",
    "HPHM": "CN_LICENSE_PLATE", "TYSHXYDM": "CN_USCC",
}

FREE_TEXT = ["备注", "情况说明", "走访记录", "诉求内容", "处理情况", "描述", "notes", "remarks", "comments",
             "description", "Remarks (optional)", "BZ", "备注：", "其他说明"]

NOTHING = ["字段3", "col_5", "Unnamed: 2", "F7", "column 12", "列1", "A", "3", "订单号", "编号", "档案号", "流水号",
           "序号", "id", "ID", "uuid", "user_id", "username", "company_name", "file_name", "status", "created_at",
           "证件类型", "邮编", "邮政编码", "小区名称", "单位名称", "mac_address", "postcode", "", "  ", "（选填）", "Page",
           "usage", "户号", "QQ", "name_of_company", "人员类别"]


@pytest.mark.parametrize(("header", "entity"), sorted(CHINESE.items()))
def test_chinese_headers(header: str, entity: str) -> None:
    hint = header_entity(header)
    assert hint is not None and hint.entity == entity


@pytest.mark.parametrize(("header", "entity"), sorted(ENGLISH.items()))
def test_english_headers(header: str, entity: str) -> None:
    hint = header_entity(header)
    assert hint is not None and hint.entity == entity


@pytest.mark.parametrize(("header", "entity"), sorted(PINYIN.items()))
def test_pinyin_headers(header: str, entity: str) -> None:
    hint = header_entity(header)
    assert hint is not None and hint.entity == entity


@pytest.mark.parametrize("header", NOTHING)
def test_headers_that_say_nothing(header: str) -> None:
    assert header_entity(header) is None


@pytest.mark.parametrize("header", FREE_TEXT)
def test_free_text_headers(header: str) -> None:
    hint = header_entity(header)
    assert hint is not None and hint.free_text and hint.entity is None
    assert is_free_text_header(header)


@pytest.mark.parametrize(
    ("header", "entity"),
    [("病史", "HEALTH"), ("家庭成员", "FAMILY"), ("犯罪记录", "CRIMINAL_RECORD"), ("既往病史", "HEALTH")],
)
def test_narrative_headers_keep_their_topic(header: str, entity: str) -> None:
    hint = header_entity(header)
    assert hint == HeaderHint(entity, "strong", True)


@pytest.mark.parametrize("header", ["姓名", "民族", "身份证号", "name", "XB", "字段3", "出生日期"])
def test_structured_headers_are_not_free_text(header: str) -> None:
    assert not is_free_text_header(header)


@pytest.mark.parametrize(
    ("header", "entity", "strength"),
    [
        ("出生地", "ADDRESS", "weak"), ("籍贯", "ADDRESS", "weak"), ("家庭住址", "ADDRESS", "strong"),
        ("联系方式", "PHONE_NUMBER", "weak"), ("社保卡号", "BANK_CARD", "weak"), ("账号", "BANK_CARD", "weak"),
        ("银行卡号", "BANK_CARD", "strong"), ("照片", "BIOMETRIC", "weak"), ("人脸照片", "BIOMETRIC", "strong"),
        ("NL", "AGE", "weak"), ("XM", "PERSON", "strong"), ("SFZH", "CN_RESIDENT_ID", "strong"),
        ("xyz_name", "PERSON", "weak"), ("contact", "PHONE_NUMBER", "weak"), ("负责人", "PERSON", "weak"),
    ],
)
def test_strength(header: str, entity: str, strength: str) -> None:
    assert header_entity(header) == HeaderHint(entity, strength, False)


@pytest.mark.parametrize(
    ("header", "entity"),
    [
        ("姓名（选填）", "PERSON"), ("*姓名", "PERSON"), ("姓名*必填", "PERSON"), ("姓名：", "PERSON"),
        ("姓名:", "PERSON"), (" 姓  名 ", "PERSON"), ("姓\u3000名", "PERSON"), ("1.姓名", "PERSON"),
        ("１、姓名", "PERSON"), ("三、联系电话", "PHONE_NUMBER"), ("身份证号码(18位)", "CN_RESIDENT_ID"),
        ("【必填】联系电话", "PHONE_NUMBER"), ("月收入（元）", "FINANCIAL"), ("ＳＦＺＨ", "CN_RESIDENT_ID"),
        ("（身份证号）", "CN_RESIDENT_ID"), ("姓名/Name", "PERSON"), ("Phone (mobile)", "PHONE_NUMBER"),
    ],
)
def test_normalisation(header: str, entity: str) -> None:
    hint = header_entity(header)
    assert hint is not None and hint.entity == entity


def test_normalize_header() -> None:
    assert normalize_header("１.姓名（选填）：") == "姓名"
    assert normalize_header("*联系电话 (必填)") == "联系电话"
    assert normalize_header("（身份证号）") == "身份证号"
    assert normalize_header(12) == "12"


def test_every_hint_uses_the_vocabulary() -> None:
    headers = list(CHINESE) + list(ENGLISH) + list(PINYIN) + FREE_TEXT
    for header in headers:
        hint = header_entity(header)
        assert hint is not None
        assert hint.strength in ("strong", "weak")
        assert hint.entity is None and hint.free_text or hint.entity in ALL_ENTITIES


def test_hint_is_frozen() -> None:
    hint = header_entity("姓名")
    with pytest.raises(dataclasses.FrozenInstanceError):
        hint.entity = "AGE"  # type: ignore[misc, union-attr]


def test_matching_is_fast() -> None:
    headers = [f"{base}{i}" for i in range(1000) for base in ("备注说明", "家庭住址", "col_x")]
    start = time.perf_counter()
    hints = [header_entity(h) for h in headers]
    elapsed = time.perf_counter() - start
    assert hints[0] is not None and hints[1] is not None
    assert elapsed < 2.0, elapsed
