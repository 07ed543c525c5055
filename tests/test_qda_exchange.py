"""The REFI-QDA exchange module: dataclasses written as .qdpx/.qdc read back unchanged, the bytes
are deterministic and conform to pyrefiqda's models, a project as a QDA program exports it reads
correctly, and every bad input is an InputError naming the element by name and guid, never
quoting source text. All names and texts here are invented."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pyrefiqda.models import CodeBook, Project
from xsdata_pydantic.bindings import XmlParser

from peacekeeping_interviews import qda_exchange
from peacekeeping_interviews.problems import InputError
from peacekeeping_interviews.qda_exchange import (
    CODEBOOK_NAMESPACE,
    PROJECT_NAMESPACE,
    QdaCase,
    QdaCode,
    QdaCodebook,
    QdaCoding,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaUser,
    QdaVariable,
    read_qdc,
    read_qdpx,
    write_qdc,
    write_qdpx,
)


def guid(number: int) -> str:
    return f"{number:08x}-0000-4000-8000-{number:012x}"


USER_A, USER_B = guid(1), guid(2)
INDIVIDUAL, CAREER, SAFETY, INSTITUTIONAL, MANDATE = (
    guid(10),
    guid(11),
    guid(12),
    guid(20),
    guid(21),
)
ROLE, YEARS, DEPLOYED, INTERVIEWED, SCORE, STARTED = (guid(n) for n in range(30, 36))
CASE_1, CASE_2 = guid(40), guid(41)
SOURCE_1, SOURCE_2 = guid(50), guid(51)
UNKNOWN = guid(99)

# Synthetic interviews: a non-ASCII letter, a character outside the Basic Multilingual Plane and a
# Windows line break, so that offsets are seen to count code points and the text to be kept as is.
TEXT_1 = "The rotation ended early. Caf\u00e9 talk about the mandate \U0001f30d continued."
TEXT_2 = "A second synthetic interview.\r\nLeave was short; promotion felt distant."
# Words of the texts that no message may contain.
TEXT_WORDS = ["rotation", "Caf\u00e9", "\U0001f30d", "synthetic interview", "promotion", "distant"]


def span(text: str, excerpt: str) -> tuple[int, int]:
    start = text.index(excerpt)
    return start, start + len(excerpt)


def example_project() -> QdaProject:
    """Nested codes, two users, two cases with variables, two sources and overlapping selections
    by both users."""
    codes = (
        QdaCode(INDIVIDUAL, "Individual", "Individual", "Concerns of the person", False),
        QdaCode(CAREER, "Career security", "Individual/Career security", None, True, INDIVIDUAL),
        QdaCode(SAFETY, "Personal safety", "Individual/Personal safety", None, True, INDIVIDUAL),
        QdaCode(INSTITUTIONAL, "Institutional", "Institutional", None, True),
        QdaCode(MANDATE, "Mandate", "Institutional/Mandate", "Clarity of it", True, INSTITUTIONAL),
    )
    variables = (
        QdaVariable(ROLE, "Role", "Text"),
        QdaVariable(YEARS, "Years of service", "Integer"),
        QdaVariable(DEPLOYED, "Deployed", "Boolean"),
        QdaVariable(INTERVIEWED, "Interviewed on", "Date"),
        QdaVariable(SCORE, "Score", "Float"),
        QdaVariable(STARTED, "Started at", "DateTime"),
    )
    cases = (
        QdaCase(
            CASE_1,
            "Participant 1",
            (
                ("Role", "Officer"),
                ("Years of service", 12),
                ("Deployed", True),
                ("Interviewed on", date(2024, 3, 5)),
                ("Score", Decimal("2.50")),
                ("Started at", datetime(2024, 3, 5, 9, 30)),
            ),
            (SOURCE_1,),
        ),
        QdaCase(CASE_2, "Participant 2", (("Role", "Adviser"), ("Deployed", None)), (SOURCE_2,)),
    )
    sources = (
        QdaSource(SOURCE_1, "Interview 1", TEXT_1, (("Years of service", 3),)),
        QdaSource(SOURCE_2, "Interview 2", TEXT_2),
    )
    rotation, mandate = span(TEXT_1, "rotation ended early"), span(TEXT_1, "mandate \U0001f30d")
    leave = span(TEXT_2, "Leave was short; promotion")
    selections = (
        QdaSelection(guid(60), SOURCE_1, *rotation, USER_A, (QdaCoding(guid(70), CAREER, USER_A),)),
        QdaSelection(
            guid(61),
            SOURCE_1,
            rotation[0],
            mandate[1],
            USER_B,
            (QdaCoding(guid(71), CAREER, USER_B), QdaCoding(guid(72), MANDATE, USER_B)),
        ),
        QdaSelection(guid(62), SOURCE_2, *leave, USER_A, (QdaCoding(guid(73), SAFETY, USER_A),)),
        QdaSelection(
            guid(63), SOURCE_2, leave[0] + 6, leave[1], None, (QdaCoding(guid(74), CAREER, USER_B),)
        ),
    )
    users = (QdaUser(USER_A, "coder_a"), QdaUser(USER_B, "coder_b"))
    return QdaProject("Synthetic study", users, codes, variables, cases, sources, selections)


def zipped(members: dict[str, bytes | str]) -> bytes:
    """A zip as a QDA program might write it (ZipInfo keeps names such as '../x' unchanged)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name), content)
    return buffer.getvalue()


INLINE_SELECTION = span(TEXT_1, "mandate \U0001f30d")
FILE_SELECTION = span(TEXT_2, "promotion felt distant")
# A project.qde in the style QDA programs export: default namespace, schemaLocation, dates,
# colours, descriptions, a note, a rich-text path; one source inline, one as internal:// file.
EXPORTED_QDE = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="urn:QDA-XML:project:1.0 http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
    name="Exported study" origin="QualCoder 3.6" creatingUserGUID="{USER_A}"
    creationDateTime="2025-06-11T16:24:07Z">
  <Users>
    <User guid="{USER_A}" name="coder_a"/>
    <User guid="{USER_B}" name="coder_b"/>
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="{INDIVIDUAL}" name="Individual" isCodable="false" color="#AA0000">
        <Description>Concerns of the person</Description>
        <Code guid="{CAREER}" name="Career security" isCodable="true" color="#00AA00"/>
      </Code>
      <Code guid="{MANDATE}" name="Mandate" isCodable="true"/>
    </Codes>
  </CodeBook>
  <Variables>
    <Variable guid="{ROLE}" name="Role" typeOfVariable="Text"/>
    <Variable guid="{YEARS}" name="Years of service" typeOfVariable="Integer"/>
  </Variables>
  <Cases>
    <Case guid="{CASE_1}" name="Participant 1">
      <VariableValue>
        <VariableRef targetGUID="{ROLE}"/><TextValue>Officer</TextValue>
      </VariableValue>
      <VariableValue>
        <VariableRef targetGUID="{YEARS}"/><IntegerValue>12</IntegerValue>
      </VariableValue>
      <SourceRef targetGUID="{SOURCE_1}"/>
    </Case>
    <Case guid="{CASE_2}" name="Participant 2">
      <SourceRef targetGUID="{SOURCE_2}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{SOURCE_1}" name="Interview 1" creatingUser="{USER_A}"
        creationDateTime="2025-06-11T16:24:07Z">
      <Description/>
      <PlainTextContent>{TEXT_1}</PlainTextContent>
      <PlainTextSelection guid="{guid(60)}" name="" startPosition="{INLINE_SELECTION[0]}"
          endPosition="{INLINE_SELECTION[1]}" creatingUser="{USER_A}"
          creationDateTime="2025-06-11T16:31:16Z">
        <Description/>
        <Coding guid="{guid(70)}" creatingUser="{USER_A}" creationDateTime="2025-06-11T16:31:16Z">
          <CodeRef targetGUID="{MANDATE}"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="{SOURCE_2}" name="Interview 2" richTextPath="internal://{SOURCE_2}.docx"
        plainTextPath="internal://{SOURCE_2}.txt">
      <PlainTextSelection guid="{guid(61)}" startPosition="{FILE_SELECTION[0]}"
          endPosition="{FILE_SELECTION[1]}" creatingUser="{USER_B}">
        <Coding guid="{guid(71)}" creatingUser="{USER_B}"><CodeRef targetGUID="{CAREER}"/></Coding>
        <Coding guid="{guid(72)}" creatingUser="{USER_A}"><CodeRef targetGUID="{MANDATE}"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="{guid(80)}" name="Memo"><PlainTextContent>A memo.</PlainTextContent></Note>
  </Notes>
</Project>
"""


def exported(qde: str = EXPORTED_QDE, files: dict[str, bytes | None] | None = None) -> bytes:
    """The exported project zipped with its source files; ``files`` replaces, adds or (with None)
    drops members by name."""
    members: dict[str, bytes | str] = {
        "project.qde": qde,
        f"sources/{SOURCE_2}.txt": TEXT_2.encode("utf-8"),
        f"sources/{SOURCE_2}.docx": b"PK not read",
    }
    for name, content in (files or {}).items():
        members.pop(name, None)
        if content is not None:
            members[name] = content
    return zipped(members)


def edited(old: str, new: str) -> bytes:
    assert old in EXPORTED_QDE, old
    return exported(EXPORTED_QDE.replace(old, new, 1))


def read_problems(data: bytes) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_qdpx(data, "export.qdpx")
    return [str(problem) for problem in caught.value.problems]


def assert_no_text(message: str) -> None:
    for word in TEXT_WORDS:
        assert word not in message


# --- writing and reading back --------------------------------------------------------------


def test_written_project_reads_back_as_the_same_dataclasses():
    project = example_project()
    assert read_qdpx(write_qdpx(project), "written.qdpx") == project


def test_writing_twice_gives_identical_bytes_in_a_fixed_zip_layout():
    first, second = write_qdpx(example_project()), write_qdpx(example_project())
    assert first == second
    infos = zipfile.ZipFile(io.BytesIO(first)).infolist()
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}


def test_written_project_qde_conforms_to_pyrefiqda_models_and_namespace():
    archive = zipfile.ZipFile(io.BytesIO(write_qdpx(example_project())))
    qde = archive.read("project.qde")
    assert ElementTree.fromstring(qde).tag == f"{{{PROJECT_NAMESPACE}}}Project"
    model = XmlParser().from_bytes(qde, Project)
    assert [user.name for user in model.users.user] == ["coder_a", "coder_b"]
    assert [code.name for code in model.code_book.codes.code[0].code] == [
        "Career security",
        "Personal safety",
    ]
    for source in model.sources.text_source:
        assert source.plain_text_path == f"internal://{source.guid}.txt"
        assert source.plain_text_content is None
    assert archive.read(f"sources/{SOURCE_2}.txt") == TEXT_2.encode("utf-8")


def test_written_codebook_reads_back_is_deterministic_and_conforms_to_pyrefiqda():
    codebook = QdaCodebook(example_project().codes)
    data = write_qdc(codebook)
    assert data == write_qdc(codebook)
    assert read_qdc(data, "written.qdc") == codebook
    assert ElementTree.fromstring(data).tag == f"{{{CODEBOOK_NAMESPACE}}}CodeBook"
    model = XmlParser().from_bytes(data, CodeBook)
    assert [code.name for code in model.codes.code] == ["Individual", "Institutional"]


def test_writer_refuses_a_selection_of_a_missing_source_and_a_parent_listed_later():
    project = example_project()
    stray = QdaSelection(guid(64), UNKNOWN, 0, 1, USER_A, ())
    with pytest.raises(ValueError, match=UNKNOWN):
        write_qdpx(replace(project, selections=(*project.selections, stray)))
    child_first = QdaCodebook(tuple(reversed(project.codes[:2])))
    with pytest.raises(ValueError, match="Code 'Career security'"):
        write_qdc(child_first)


def test_source_text_is_kept_out_of_repr():
    assert "rotation" not in repr(example_project())


# --- a project as a QDA program exports it ---------------------------------------------------


def test_exported_project_reads_codes_users_cases_and_sources():
    project = read_qdpx(exported(), "export.qdpx")
    assert project.name == "Exported study"
    assert project.users == (QdaUser(USER_A, "coder_a"), QdaUser(USER_B, "coder_b"))
    assert [(code.path, code.parent, code.is_codable) for code in project.codes] == [
        ("Individual", None, False),
        ("Individual/Career security", INDIVIDUAL, True),
        ("Mandate", None, True),
    ]
    assert project.codes[0].description == "Concerns of the person"
    assert project.cases == (
        QdaCase(
            CASE_1, "Participant 1", (("Role", "Officer"), ("Years of service", 12)), (SOURCE_1,)
        ),
        QdaCase(CASE_2, "Participant 2", (), (SOURCE_2,)),
    )
    assert [(source.name, source.text) for source in project.sources] == [
        ("Interview 1", TEXT_1),
        ("Interview 2", TEXT_2),
    ]


def test_exported_selections_count_code_points_and_keep_codings_by_user():
    project = read_qdpx(exported(), "export.qdpx")
    texts = {source.guid: source.text for source in project.sources}
    excerpts = [texts[s.source][s.start : s.end] for s in project.selections]
    assert excerpts == ["mandate \U0001f30d", "promotion felt distant"]
    assert project.selections[1] == QdaSelection(
        guid(61),
        SOURCE_2,
        *FILE_SELECTION,
        USER_B,
        (QdaCoding(guid(71), CAREER, USER_B), QdaCoding(guid(72), MANDATE, USER_A)),
    )


def test_exported_codebook_reads_nested_codes():
    qdc = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti">
  <Codes>
    <Code guid="{INDIVIDUAL}" name="Individual" isCodable="false">
      <Code guid="{CAREER}" name="Career security" isCodable="true">
        <Description>Worries about the next post</Description>
      </Code>
    </Code>
  </Codes>
</CodeBook>"""
    codebook = read_qdc(qdc.encode("utf-8"), "export.qdc")
    assert codebook == QdaCodebook(
        (
            QdaCode(INDIVIDUAL, "Individual", "Individual", None, False),
            QdaCode(
                CAREER,
                "Career security",
                "Individual/Career security",
                "Worries about the next post",
                True,
                INDIVIDUAL,
            ),
        )
    )


def test_byte_order_mark_of_a_source_file_is_not_text():
    bom_file = {f"sources/{SOURCE_2}.txt": b"\xef\xbb\xbf" + TEXT_2.encode("utf-8")}
    project = read_qdpx(exported(files=bom_file), "export.qdpx")
    assert project.sources[1].text == TEXT_2


def test_reading_writes_nothing_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    read_qdpx(exported(), "export.qdpx")
    read_problems(exported(files={"../outside.txt": b"x"}))
    assert list(tmp_path.iterdir()) == []


# --- bad input -------------------------------------------------------------------------------

SELECTION_1 = f'<PlainTextSelection guid="{guid(60)}"'
CODING_70 = f'<Coding guid="{guid(70)}" creatingUser="{USER_A}"'
BAD_INPUTS = {
    "not a zip": (lambda: b"The rotation ended early.", ["not a zip"]),
    "no project.qde": (lambda: zipped({"other.qde": EXPORTED_QDE}), ["'project.qde'"]),
    "malformed XML": (lambda: exported(EXPORTED_QDE[:-40]), ["well-formed XML", "line "]),
    "DOCTYPE": (
        lambda: exported(
            EXPORTED_QDE.replace(
                "<Project ", '<!DOCTYPE Project SYSTEM "file:///etc/passwd">\n<Project ', 1
            )
        ),
        ["without a DTD"],
    ),
    "wrong namespace": (
        lambda: edited('xmlns="urn:QDA-XML:project:1.0"', 'xmlns="urn:example:other"'),
        ["{urn:example:other}Project", "root element {urn:QDA-XML:project:1.0}Project"],
    ),
    "wrong root": (
        lambda: exported(write_qdc(QdaCodebook(example_project().codes)).decode("utf-8")),
        ["{urn:QDA-XML:codebook:1.0}CodeBook", "root element"],
    ),
    "not schema-conformant": (
        lambda: edited(f'startPosition="{FILE_SELECTION[0]}"', 'startPosition="promotion"'),
        ["start_position", "valid integer", "REFI-QDA schema"],
    ),
    "unknown code": (
        lambda: edited(f'<CodeRef targetGUID="{MANDATE}"/>', f'<CodeRef targetGUID="{UNKNOWN}"/>'),
        [
            "TextSource 'I… 1… (11 characters)'",
            SOURCE_1,
            guid(60),
            f"Coding (guid {guid(70)})",
            "CodeRef",
            UNKNOWN,
        ],
    ),
    "unknown coding user": (
        lambda: edited(CODING_70, f'<Coding guid="{guid(70)}" creatingUser="{UNKNOWN}"'),
        [f"Coding (guid {guid(70)})", "creatingUser", UNKNOWN, "a User"],
    ),
    "unknown selection user": (
        lambda: edited(
            f'endPosition="{FILE_SELECTION[1]}" creatingUser="{USER_B}"',
            f'endPosition="{FILE_SELECTION[1]}" creatingUser="{UNKNOWN}"',
        ),
        ["TextSource 'I… 2… (11 characters)'", SOURCE_2, guid(61), "creatingUser", UNKNOWN],
    ),
    "end beyond the text": (
        lambda: edited(f'endPosition="{INLINE_SELECTION[1]}"', 'endPosition="9999"'),
        [
            "TextSource 'I… 1… (11 characters)'",
            guid(60),
            "endPosition",
            f"text of {len(TEXT_1)} characters",
        ],
    ),
    "start after end": (
        lambda: edited(
            f'startPosition="{INLINE_SELECTION[0]}"', f'startPosition="{INLINE_SELECTION[1] + 1}"'
        ),
        [guid(60), "startPosition <= endPosition"],
    ),
    "negative start": (
        lambda: edited(f'startPosition="{INLINE_SELECTION[0]}"', 'startPosition="-1"'),
        [guid(60), "-1 to"],
    ),
    "case refers to a missing source": (
        lambda: edited(
            f'<SourceRef targetGUID="{SOURCE_2}"/>', f'<SourceRef targetGUID="{UNKNOWN}"/>'
        ),
        ["Case 'P… 2… (13 characters)'", CASE_2, "SourceRef", UNKNOWN],
    ),
    "case refers to an unknown variable": (
        lambda: edited(
            f'<VariableRef targetGUID="{YEARS}"/>', f'<VariableRef targetGUID="{UNKNOWN}"/>'
        ),
        ["Case 'P… 1… (13 characters)'", CASE_1, "VariableRef", UNKNOWN],
    ),
    "plainTextPath file missing": (
        lambda: exported(files={f"sources/{SOURCE_2}.txt": None}),
        [
            "TextSource 'I… 2… (11 characters)'",
            SOURCE_2,
            "plainTextPath",
            "a zip member of that name in sources/",
        ],
    ),
    "plainTextPath outside the archive": (
        lambda: edited(
            f'plainTextPath="internal://{SOURCE_2}.txt"', 'plainTextPath="absolute:///tmp/x.txt"'
        ),
        ["TextSource 'I… 2… (11 characters)'", SOURCE_2, "a… (21 characters)", "internal://"],
    ),
    "source file not UTF-8": (
        lambda: exported(files={f"sources/{SOURCE_2}.txt": "Leave was short".encode("utf-16")}),
        ["TextSource 'I… 2… (11 characters)'", SOURCE_2, "invalid UTF-8 at byte 0"],
    ),
    "member path with ..": (
        lambda: exported(files={"sources/../../outside.txt": b"x"}),
        ["'sources/../../outside.txt'", "relative path inside the archive"],
    ),
    "absolute member path": (
        lambda: exported(files={"/etc/outside.txt": b"x"}),
        ["'/etc/outside.txt'", "relative path inside the archive"],
    ),
    "PDF source": (
        lambda: edited(
            "</Sources>",
            f'<PDFSource guid="{guid(52)}" name="Scan" path="internal://s.pdf"/></Sources>',
        ),
        ["PDFSource 'S… (4 characters)'", guid(52), "a TextSource"],
    ),
    "whole-source coding": (
        lambda: edited(
            "</PlainTextSelection>\n    </TextSource>",
            "</PlainTextSelection>\n"
            f'<Coding guid="{guid(75)}"><CodeRef targetGUID="{CAREER}"/></Coding></TextSource>',
        ),
        ["TextSource 'I… 1… (11 characters)'", SOURCE_1, "no whole-source Coding"],
    ),
    "duplicate guid": (
        lambda: edited(f'<User guid="{USER_B}"', f'<User guid="{USER_A}"'),
        ["User 'coder_b'", USER_A, "also the guid of User 'coder_a'"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_an_input_error_naming_the_element_without_source_text(case: str):
    build, expected = BAD_INPUTS[case]
    problems = read_problems(build())
    message = "\n".join(problems)
    for part in expected:
        assert part in message, (case, message)
    assert all(problem.startswith("export.qdpx: ") for problem in problems)
    assert_no_text(message)


def test_several_faults_are_reported_together():
    qde = (
        EXPORTED_QDE.replace(
            f'<CodeRef targetGUID="{CAREER}"/>', f'<CodeRef targetGUID="{UNKNOWN}"/>'
        )
        .replace(f'endPosition="{INLINE_SELECTION[1]}"', 'endPosition="9999"')
        .replace(f'<SourceRef targetGUID="{SOURCE_2}"/>', f'<SourceRef targetGUID="{UNKNOWN}"/>')
    )
    problems = read_problems(exported(qde, {f"sources/{SOURCE_2}.txt": b"\xff"}))
    # The unreadable file, the dangling SourceRef and CodeRef, the selection beyond its text.
    assert len(problems) == 4, problems


def test_bad_codebook_is_an_input_error():
    with pytest.raises(InputError) as caught:
        read_qdc(EXPORTED_QDE.encode("utf-8"), "export.qdc")
    assert "root element {urn:QDA-XML:codebook:1.0}CodeBook" in str(caught.value)
    code = f'<Code guid="{CAREER}" isCodable="true"/>'
    nameless = f'<CodeBook xmlns="{CODEBOOK_NAMESPACE}"><Codes>{code}</Codes></CodeBook>'
    with pytest.raises(InputError) as caught:
        read_qdc(nameless.encode("utf-8"), "export.qdc")
    assert "name: Field required" in str(caught.value)


def test_two_sources_reading_one_file_are_refused():
    """A small zip whose sources all read one large member would fill the memory."""
    qde = EXPORTED_QDE.replace(
        'name="Interview 1" ',
        f'name="Interview 1" plainTextPath="internal://{SOURCE_2}.txt" ',
        1,
    )
    assert qde != EXPORTED_QDE
    (problem,) = [p for p in read_problems(exported(qde)) if "several sources" in p]
    assert SOURCE_1 in problem and SOURCE_2 in problem


def test_a_project_that_unpacks_to_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(qda_exchange, "MAX_PROJECT_BYTES", len(TEXT_2))
    monkeypatch.setattr(qda_exchange, "MAX_XML_BYTES", 100)
    problems = read_problems(exported())
    assert any("bytes unpacked" in p and "at most 1 GiB" in p for p in problems)
    assert any("'project.qde'" in p and "at most 64 MiB of XML" in p for p in problems)
