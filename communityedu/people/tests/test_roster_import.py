"""Importing rosters as villages really keep them."""

import json
from datetime import date, datetime
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from communityedu.core import crypto
from communityedu.core.models import AuditAction, AuditLogEntry
from communityedu.people import imports
from communityedu.people.models import Person
from communityedu.people.roster import RosterError
from communityedu.people.tests.rosters import csv_bytes, make_id, xls, xlsx

ZHAO_ID = make_id(date(1965, 3, 2), 123)  # odd sequence: male
SUN_ID = make_id(date(1958, 11, 20), 246)  # even: female
CHILD_ID = make_id(date(2015, 9, 1), 35)
HEADER = [
    "序号",
    "名字",
    "性别",
    "出生年月",
    "公民身份号码",
    "手机号码",
    "村（社区）",
    "组",
    "人员类别",
    "监护人",
    "监护人同意",
]
FOOTER = [[], ["制表人：李明", None, None, "审核人：王芳"]]


def flawed_village_rows():
    """Every flaw villages make, in valid rows."""
    return [
        HEADER,
        [
            1,
            " 赵 德 明 ",
            "男",
            datetime(1965, 3, 2),
            ZHAO_ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            "138-0000-8001",
            "弋阳村",
            "3组",
            "党员、老人",
            None,
            None,
        ],
        [2, "孙秀英", None, "1958.11.20", f" {SUN_ID} ", "139 0000 8002", "弋阳", "2组", None, None, None],
        [],
        [3, "钱小宝", "男", "2015年9月1日", CHILD_ID, None, "弋阳村", "3组", "留守儿童", "钱德福", "是"],
        [4, "周桂兰", "女", "1950-01-15", None, "023-72345678", "十字村", "1组", "老年人", None, None],
    ]


def _check(world, content, file_name="花名册.xlsx", **kwargs):
    return imports.check_roster(town=world.xinmiao, content=content, file_name=file_name, **kwargs)


def test_a_roster_with_titles_merged_cells_blanks_footers_and_full_width_digits_is_read(world):
    roster, plan = _check(world, xlsx(flawed_village_rows(), footer=FOOTER))

    assert roster.header_row == 4
    assert [number for number, _cells in roster.rows] == [5, 6, 8, 9]
    assert plan.problems == []
    assert [(row.row, row.name, row.sex, row.birth_date, row.village.name) for row in plan.creates] == [
        (5, "赵德明", "M", date(1965, 3, 2), "弋阳村"),
        (6, "孙秀英", "F", date(1958, 11, 20), "弋阳村"),
        (8, "钱小宝", "M", date(2015, 9, 1), "弋阳村"),
        (9, "周桂兰", "F", date(1950, 1, 15), "十字村"),
    ]
    assert [row.phone for row in plan.creates] == ["13800008001", "13900008002", None, "02372345678"]
    assert [row.tags for row in plan.creates] == [["党员", "老年人"], None, ["留守儿童"], ["老年人"]]


def test_importing_stores_numbers_encrypted_and_audits_the_batch_naming_each_new_person(world):
    _roster, plan = _check(world, xlsx(flawed_village_rows(), footer=FOOTER))

    summary = imports.apply_plan(plan, actor=world.accounts["office"])

    assert (summary["created"], summary["updated"], summary["unchanged"], summary["invalid"]) == (4, 0, 0, [])
    zhao = Person.objects.get(name="赵德明")
    assert ZHAO_ID not in zhao.id_number_encrypted
    assert crypto.decrypt(zhao.id_number_encrypted) == ZHAO_ID
    assert zhao.id_number_lookup == crypto.lookup_hash(ZHAO_ID)
    assert zhao.masked_id_number == ZHAO_ID[:6] + "********" + ZHAO_ID[-4:]
    assert zhao.masked_phone == "138****8001"
    assert sorted(t.name for t in zhao.tags.all()) == ["党员", "老年人"]
    child = Person.objects.get(name="钱小宝")
    assert (child.guardian_name, child.guardian_consent_on is not None) == ("钱德福", True)
    entry = AuditLogEntry.objects.get(action=AuditAction.CREATE, object_type="people.Person", actor_label="office")
    assert entry.object_label == "花名册导入：4人"
    assert entry.changes["columns"] == ["id", "name", "village", "id_number", "phone"]
    assert sorted(entry.changes["people"]) == sorted(
        [
            [zhao.pk, "赵德明", "弋阳村", zhao.masked_id_number, "138****8001"],
            [
                Person.objects.get(name="孙秀英").pk,
                "孙秀英",
                "弋阳村",
                SUN_ID[:6] + "********" + SUN_ID[-4:],
                "139****8002",
            ],
            [child.pk, "钱小宝", "弋阳村", CHILD_ID[:6] + "********" + CHILD_ID[-4:], ""],
            [Person.objects.get(name="周桂兰").pk, "周桂兰", "十字村", "", "023****5678"],
        ]
    )
    assert ZHAO_ID not in json.dumps(entry.changes)


def test_every_problem_names_its_sheet_row_and_column(world):
    rows = [
        HEADER,
        [1, "", "男", "1965-03-02", None, None, "弋阳村", "1组", None, None, None],
        [
            2,
            "错号",
            "男",
            None,
            ZHAO_ID[:-1] + ("0" if ZHAO_ID[-1] != "0" else "1"),
            None,
            "弋阳村",
            "1组",
            None,
            None,
            None,
        ],
        [3, "错性别", "女", None, ZHAO_ID, None, "弋阳村", "1组", None, None, None],
        [4, "错电话", "女", "1970-1-1", None, "1380000", "弋阳村", "1组", None, None, None],
        [5, "外村人", "女", "1970-1-1", None, None, "月亮村", "1组", None, None, None],
        [6, "小孩", "男", "2016-05-05", None, None, "弋阳村", "1组", None, None, None],
        [7, "无日期", "女", None, None, None, "弋阳村", "1组", None, None, None],
        [8, "怪标签", "女", "1970-1-1", None, None, "弋阳村", "1组", "神仙", None, None],
    ]

    _roster, plan = _check(world, xlsx(rows))

    assert [(p.row, p.column) for p in plan.problems] == [
        (5, "名字"),
        (6, "公民身份号码"),
        (7, "性别"),
        (8, "手机号码"),
        (9, "村（社区）"),
        (10, "监护人"),
        (11, "公民身份号码"),
        (12, "人员类别"),
    ]
    reasons = [p.reason for p in plan.problems]
    assert reasons[0] == "姓名为空。"
    assert reasons[2] == "性别与身份证号不符（身份证号显示为男）。"
    assert reasons[4] == "新妙镇没有叫“月亮村”的村或社区。"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in reason) for reason in reasons)
    assert plan.creates == []


def test_by_default_an_invalid_row_means_nothing_is_written(world):
    rows = [*flawed_village_rows(), [5, "外村人", "女", "1970-1-1", None, None, "月亮村", "1组", None, None, None]]
    _roster, plan = _check(world, xlsx(rows))
    before = Person.objects.count()

    with pytest.raises(ValueError, match="invalid rows"):
        imports.apply_plan(plan, actor=None)

    assert Person.objects.count() == before
    summary = imports.apply_plan(plan, actor=None, skip_invalid=True)
    assert (summary["created"], [p["row"] for p in summary["invalid"]]) == (4, [10])
    assert Person.objects.count() == before + 4


def test_re_importing_the_same_sheet_changes_nothing_and_an_updated_sheet_only_what_changed(world):
    content = xlsx(flawed_village_rows(), footer=FOOTER)
    imports.apply_plan(_check(world, content)[1], actor=None)
    people_before = Person.objects.count()
    audit_before = AuditLogEntry.objects.count()

    _roster, again = _check(world, content)
    assert (len(again.creates), len(again.updates), again.unchanged) == (0, 0, 4)
    imports.apply_plan(again, actor=None)
    assert (Person.objects.count(), AuditLogEntry.objects.count()) == (people_before, audit_before)

    updated_rows = flawed_village_rows()
    updated_rows[2][5] = "13900009999"  # 孙秀英 changed her phone
    updated_rows[2][7] = "5组"  # and moved group
    _roster, plan = _check(world, xlsx(updated_rows))
    assert [(row.name, changes) for _id, row, changes in plan.updates] == [
        ("孙秀英", {"village_group": ["2组", "5组"], "phone": ["***", "139****9999"]})
    ]
    imports.apply_plan(plan, actor=world.accounts["office"])
    sun = Person.objects.get(name="孙秀英")
    assert (sun.village_group, sun.masked_phone) == ("5组", "139****9999")
    entry = AuditLogEntry.objects.get(action=AuditAction.UPDATE, object_label="花名册导入：1人")
    assert entry.changes == {
        "people": [[sun.pk, "孙秀英", {"village_group": ["2组", "5组"], "phone": ["***", "139****9999"]}]]
    }
    assert Person.objects.count() == people_before


def test_the_same_person_twice_in_one_sheet_is_a_problem(world):
    rows = [HEADER, [1, "赵德明", "男", None, ZHAO_ID, None, "弋阳村", "1组", None, None, None]] * 1
    rows.append([2, "赵德明", "男", None, ZHAO_ID, None, "弋阳村", "1组", None, None, None])

    _roster, plan = _check(world, xlsx(rows, title=None))

    assert [(p.row, p.reason) for p in plan.problems] == [(3, "与第2行是同一人。")]


def test_a_child_under_14_needs_a_guardian_and_consent(world):
    rows = [HEADER, [1, "钱小宝", "男", None, CHILD_ID, None, "弋阳村", "3组", None, "钱德福", None]]

    _roster, plan = _check(world, xlsx(rows))

    assert [(p.row, p.column) for p in plan.problems] == [(5, "监护人同意")]


def test_a_centre_director_imports_only_into_the_village_served(world):
    _roster, plan = _check(world, xlsx(flawed_village_rows()), allowed_village_ids={world.yiyang.pk})

    assert [(p.row, p.column) for p in plan.problems] == [(9, "村（社区）")]


def test_xls_and_gbk_csv_rosters_are_read(world):
    rows = [
        ["姓名", "身份证号码", "联系电话", "村"],
        ["赵德明", ZHAO_ID, "13800008001", "十字村"],
        ["孙秀英", SUN_ID, "", "十字村"],
    ]
    rows_with_dates = [["姓名", "性别", "出生日期", "村民小组"], ["周桂兰", "女", date(1950, 1, 15), "1组"]]

    _r, from_xls = _check(world, xls(rows), "名单.xls")
    _r, from_csv = _check(world, csv_bytes(rows), "名单.csv")
    _r, dated = _check(world, xls(rows_with_dates), "名单.xls", default_village=world.shizi)

    assert [r.name for r in from_xls.creates] == [r.name for r in from_csv.creates] == ["赵德明", "孙秀英"]
    assert [(r.birth_date, r.village.name) for r in dated.creates] == [(date(1950, 1, 15), "十字村")]


def test_a_file_without_a_header_is_refused_as_a_whole(world):
    with pytest.raises(RosterError, match="姓名"):
        _check(world, xlsx([["甲", "乙"], ["1", "2"]], title=None))
    with pytest.raises(RosterError):
        _check(world, b"not a workbook", "x.xlsx")


def test_the_command_prints_a_json_summary_and_writes_nothing_on_a_dry_run(world, tmp_path):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(xlsx([*flawed_village_rows(), [9, "", "男", None, None, None, "弋阳村", None, None, None, None]]))
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("import_people", str(path), "--town", "xinmiao", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "valid": 4,
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "invalid": [{"row": 10, "column": "名字", "reason": "姓名为空。"}],
    }
    assert not Person.objects.filter(name="赵德明").exists()

    out = StringIO()
    call_command("import_people", str(path), "--town", "xinmiao", "--skip-invalid", "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue())["created"] == 4
    assert not Person.objects.filter(name="赵德明").exists()

    report = tmp_path / "report.xlsx"
    out = StringIO()
    call_command(
        "import_people", str(path), "--town", "xinmiao", "--skip-invalid", "--report", str(report), "--json", stdout=out
    )
    assert json.loads(out.getvalue())["created"] == 4
    assert Person.objects.filter(name="赵德明").count() == 1
    sheet = CalamineWorkbook.from_filelike(BytesIO(report.read_bytes())).get_sheet_by_index(0).to_python()
    assert sheet[0][-2:] == ["问题", "表格行号"]
    assert [row[1] for row in sheet[1:]] == [" 赵 德 明 ", "孙秀英", "钱小宝", "周桂兰", ""]
    assert sheet[5][-2:] == ["名字：姓名为空。", 10.0]
