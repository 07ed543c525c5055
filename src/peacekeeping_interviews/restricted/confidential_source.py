"""Where the confidential tables come from, as the config's ``inputs`` say: the interviews and
coding CSV files, or a REFI-QDA project (``inputs.qdpx``) that the coders' QDA program exported,
read through the config's ``refi_qda`` mapping (:mod:`peacekeeping_interviews.restricted.
qda_import`). Either way the two tables then pass the same validation, so a project gives the
release its CSV twin gives."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from peacekeeping_interviews.files import file_digest, read_yaml
from peacekeeping_interviews.module_imports import module_closure
from peacekeeping_interviews.qda_exchange import read_qdpx
from peacekeeping_interviews.restricted.qda_import import QdaMapping, QdaTables, qda_tables
from peacekeeping_interviews.restricted.validation import (
    VALIDATED_SCHEMAS,
    ValidatedInputs,
    validate_inputs,
)
from peacekeeping_interviews.table_schema import TableText


@dataclass(frozen=True)
class ConfidentialSource:
    """The confidential interview and coding tables: two CSV files, or a REFI-QDA project and
    the mapping of its cases, codes and users onto the input contract."""

    interviews: Path | None = None
    coding: Path | None = None
    qdpx: Path | None = None
    refi_qda: Mapping = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("interviews", "coding", "qdpx"):  # a rule gives its inputs as strings
            if (value := getattr(self, name)) is not None:
                object.__setattr__(self, name, Path(value))

    @classmethod
    def from_config(cls, config: Mapping) -> ConfidentialSource:
        inputs = config["inputs"]
        if "qdpx" in inputs:
            return cls(qdpx=Path(inputs["qdpx"]), refi_qda=config["refi_qda"])
        return cls(interviews=Path(inputs["interviews"]), coding=Path(inputs["coding"]))

    @property
    def files(self) -> tuple[Path, ...]:
        """The confidential files the tables are read from."""
        return tuple(p for p in (self.interviews, self.coding, self.qdpx) if p is not None)

    @property
    def file_names(self) -> dict[str, str]:
        """The files by the names a rule gives its inputs (``interviews``, ``coding``, ``qdpx``)."""
        named = {"interviews": self.interviews, "coding": self.coding, "qdpx": self.qdpx}
        return {name: str(path) for name, path in named.items() if path is not None}

    def tables(
        self, schema_dir: Path
    ) -> tuple[Path | TableText, Path | TableText, QdaTables | None]:
        """The interviews and coding tables to validate and, for a project, what its import
        counted; an :class:`~peacekeeping_interviews.problems.InputError` when the project cannot
        be read or mapped."""
        if self.qdpx is None:
            assert self.interviews is not None and self.coding is not None
            return self.interviews, self.coding, None
        project = read_qdpx(self.qdpx.read_bytes(), str(self.qdpx))
        schema = read_yaml(Path(schema_dir) / VALIDATED_SCHEMAS[0])
        fields = schema["fields"]
        imported = qda_tables(
            project,
            QdaMapping.from_config(self.refi_qda),
            [f["name"] for f in fields],
            [f["name"] for f in fields if f.get("constraints", {}).get("required")],
            str(self.qdpx),
            optional_columns=schema.get("optionalColumns", []),
        )
        name = self.qdpx.name
        return (
            TableText(f"{name} (cases as interviews)", imported.interviews),
            TableText(f"{name} (codings as segments)", imported.coding),
            imported,
        )

    def validate(
        self, codebook: Path, schema_dir: Path, latest_interview_date: str
    ) -> ValidatedInputs:
        """The tables, validated (see :func:`~peacekeeping_interviews.restricted.validation.
        validate_inputs`)."""
        interviews, coding, imported = self.tables(schema_dir)
        validated = validate_inputs(interviews, coding, codebook, schema_dir, latest_interview_date)
        if imported is None:
            return validated
        counts = {
            "project": self.qdpx.name if self.qdpx else "",
            "min_overlap": QdaMapping.from_config(self.refi_qda).min_overlap,
            "unmatched_codings": imported.unmatched,
            "mapped_codes_never_applied": list(imported.unused_codes),
        }
        return replace(validated, qda_import=counts)

    def digest(
        self, codebook: Path, schema_dir: Path, latest_interview_date: str, package_dir: Path
    ) -> str:
        """What a validation of these tables depends on, as one SHA-256: the confidential files,
        the mapping, the codebook, the schemas, the latest allowed date and the source of the
        import and the checks (this module and what it imports)."""
        files = [
            *self.files,
            Path(codebook),
            *(Path(schema_dir) / name for name in VALIDATED_SCHEMAS),
            *module_closure(
                Path(package_dir) / "restricted" / "confidential_source.py", Path(package_dir)
            ),
        ]
        lines = [f"{file_digest(f)}  {f.name}" for f in files]
        lines += [latest_interview_date, json.dumps(self.refi_qda, sort_keys=True)]
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()
