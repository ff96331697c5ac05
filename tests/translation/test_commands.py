"""The translation CLI: export, import and status of a translation; seeding the memory."""

from guidelines.extensions import db
from guidelines.translation.operations import find_translation
from guidelines.translation.po_reader import read_po
from tests.conftest import corpus_path
from tests.translation.conftest import dutch


def test_export_edit_import_status(runner, versions, make_user, tmp_path):
    make_user(role="admin")
    path = tmp_path / "nl.po"
    exported = runner.invoke(
        args=["translations", "export", "bone-care", "1", "nl", "-o", str(path)]
    )
    assert exported.exit_code == 0, exported.output
    entries = read_po(path.read_bytes())
    first = entries[0]
    path.write_text(
        f'msgid ""\nmsgstr ""\n"Project-Id-Version: bone-care 1\\n"\n"Language: nl\\n"\n'
        f'"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        f'msgctxt "{first.key}"\nmsgid "{first.source}"\nmsgstr "{dutch(first.source)}"\n\n'
        'msgctxt "nope"\nmsgid "x"\nmsgstr "y"\n',
        encoding="utf-8",
    )
    imported = runner.invoke(args=["translations", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    assert "1 updated, 0 unchanged, 1 rejected." in imported.output
    assert "rejected nope: unknown key" in imported.output
    status = runner.invoke(args=["translations", "status", "bone-care", "1"])
    assert status.output.startswith("nl\t") and "translated 1" in status.output


def test_import_of_a_malformed_file_changes_nothing(runner, versions, make_user, tmp_path):
    make_user(role="admin")
    path = tmp_path / "broken.po"
    runner.invoke(args=["translations", "export", "bone-care", "1", "nl", "-o", str(path)])
    path.write_bytes(path.read_bytes() + b'\nmsgid "unterminated\n')
    result = runner.invoke(args=["translations", "import", str(path)])
    assert (
        result.exit_code == 1 and "line" in result.output and "Nothing was changed" in result.output
    )
    db.session.expire_all()
    translation = find_translation(versions[0], "nl")
    assert all(row.target == "" for row in translation.segments)


def test_tm_import_po_reads_a_real_catalog(runner):
    path = corpus_path("po", "gnuhealth-5.0.6-fr.po")
    result = runner.invoke(args=["tm", "import-po", str(path), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    added = int(result.output.split(" added")[0])
    assert added > 1000


def test_tm_import_aligned_reads_the_parallel_pages(runner):
    folder = corpus_path("i18n", "coronamelder-faq-2021-08")
    result = runner.invoke(
        args=["tm", "import-aligned", str(folder / "en"), str(folder / "nl"), "--lang", "nl"]
    )
    assert result.exit_code == 0, result.output
    assert "files aligned" in result.output
    assert int(result.output.split(" pairs added")[0].rsplit(" ", 1)[1]) > 20
