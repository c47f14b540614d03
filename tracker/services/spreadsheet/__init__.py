"""Spreadsheets for officers who live in them: export commitments with their current status and
blank columns for the new one; read the edited sheet back and apply it, every row or none.

Columns. The header row holds these keys, in English whatever the language of the labels, so a
sheet re-imports the same under any configuration. On import the columns may come in any order,
but the header must hold all of them and no others (a sheet exported before parties were
recorded, without the evidence_level, obstacles and counterpart columns, still reads).

  agreement       agreement key            } which commitment the row is about: leave as exported
  ref             reference, e.g. 7.3      }
  version         the commitment's version at export: a row whose commitment has changed
                  since (another update, a reassignment, a correction) is refused; export again
  clause          clause number            } for reading only: ignored on import (but
  text            the commitment's text    } see text below)
  owner           responsible officer      }
  division        their division           }
  current_status  current status label     }
  current_as_of   its as-of date           }
  new_status      the new status: a key or a label in either language (achieved, 달성,
                  Achieved); blank keeps the current status
  note            what happened: the update's narrative
  as_of           the date the status holds from: YYYY-MM-DD (2025.11.3 and 2025/11/3 too, or
                  an Excel date); blank means today; never after today
  evidence        http(s) links and file paths, separated by ';', line breaks or spaces; a
                  file name with spaces must stand alone between ';'. A relative path is read
                  from the sheet's folder.
  evidence_level  found, reported or none_available, or its words in either language (증빙
                  확인, Reported without evidence); blank: found with evidence, else reported
  obstacles       what holds the commitment back (the home side's)
  current_counterpart_status  } the counterpart's current status and its as-of date, for
  current_counterpart_as_of   } reading (blank: none recorded)
  new_counterpart_status  the counterpart's new status, as new_status; only for a commitment
                  both (or several) parties undertake
  counterpart_note        what the counterpart did
  counterpart_as_of       its date, as as_of

Rows. A row whose editable cells are all blank is unchanged and skipped (it is not even
checked, so a stale version there does no harm). A row with any of new_status, note, as_of,
evidence, evidence_level or obstacles records the home side's status update; without a
new_status it keeps the commitment's current status (a progress note, which also counts as a
report for staleness). A row with any of the counterpart's three records the counterpart's
update, keeping its current status likewise; a row may record both. A commitment may appear
on one changed row only.
The reading columns are ignored, except that a changed row's text, unless blanked, must still be
its commitment's text: Excel opening a CSV turns the reference 7.10 into 7.1, and such a row
would otherwise update the wrong commitment. XLSX keeps references as text; prefer it.

Problems are reported by where the user finds the row: `line N` in a CSV (its physical line,
the header is line 1; when a quoted cell spans several lines the spreadsheet row is added) and
`row N` in an XLSX workbook. Every problem of every row is listed; if there is any, nothing
is written.

Files. CSV is written as UTF-8 with a BOM (so that Excel shows Korean) and CRLF line ends, and
must be read back as UTF-8: Korean Excel's plain "CSV" is CP949, refused with how to save it.
XLSX has the header bold and frozen, the read-only columns greyed, a drop-down of the status
labels on new_status, and a second sheet listing the statuses. Exports are written to a temp
file in the target folder, then renamed into place.
"""

from tracker.services.spreadsheet.applying import (
    AppliedUpdate,
    PlannedUpdate,
    SheetResult,
    apply_updates,
    check_updates,
)
from tracker.services.spreadsheet.columns import (
    COLUMNS,
    EDITABLE,
    IDENTITY,
    INFORMATION,
    MAX_BYTES,
    SHEET_TITLE,
    STATUS_SHEET_TITLE,
    SUFFIXES,
    SheetRefused,
    SpreadsheetRefused,
)
from tracker.services.spreadsheet.export import ExportRow, export_rows, write_export
from tracker.services.spreadsheet.reading import Sheet, SheetRow, read_updates

__all__ = [
    "COLUMNS",
    "EDITABLE",
    "IDENTITY",
    "INFORMATION",
    "MAX_BYTES",
    "SHEET_TITLE",
    "STATUS_SHEET_TITLE",
    "SUFFIXES",
    "AppliedUpdate",
    "ExportRow",
    "PlannedUpdate",
    "Sheet",
    "SheetRefused",
    "SheetResult",
    "SheetRow",
    "SpreadsheetRefused",
    "apply_updates",
    "check_updates",
    "export_rows",
    "read_updates",
    "write_export",
]
