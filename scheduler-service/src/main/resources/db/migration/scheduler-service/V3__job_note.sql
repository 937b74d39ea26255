-- Why the backup was asked for (BackupRequested.note, since v2): free text, at most 500 characters.
alter table jobs add column note text;
