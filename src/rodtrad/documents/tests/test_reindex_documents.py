"""``rodtrad reindex-documents``: documents saved before the search index existed become findable."""

from __future__ import annotations

import importlib

from django.core.management import call_command

from rodtrad.documents import search
from rodtrad.documents.models import SearchEntry
from rodtrad.documents.tests.factories import make_document, publish_document

command = importlib.import_module("rodtrad.documents.management.commands.reindex-documents")


def test_documents_without_index_rows_are_indexed_in_batches(staff, orgtree, monkeypatch, capsys):
    docs = [
        publish_document(
            make_document(staff.editor, orgtree.a1, title=f"Rutin {n}", content="Ständiga förbättringar.\n"),
            editor=staff.editor,
            approver=staff.approver,
        )
        for n in range(3)
    ]
    SearchEntry.objects.all().delete()  # as in a database from before the index
    assert not search.search(staff.reader_a1, "förbättring").exists()

    monkeypatch.setattr(command, "BATCH", 2)
    call_command("reindex-documents")
    out, err = capsys.readouterr()
    assert out.strip() == "3 documents indexed."
    assert "3/3" in err  # the progress bar
    assert set(search.search(staff.reader_a1, "förbättring")) == set(docs)

    call_command("reindex-documents", "--quiet")  # again: the same rows, and no bar
    out, err = capsys.readouterr()
    assert SearchEntry.objects.count() == 3 and err == ""
