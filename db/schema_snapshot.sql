-- The schema the migrations make on an empty SQLite store, written by
-- `python -m threadlore.db.schema_snapshot` (db/schema_snapshot.py); do not edit.

CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE people (
	id INTEGER NOT NULL, 
	name VARCHAR(255) NOT NULL, 
	is_list BOOLEAN DEFAULT 0 NOT NULL, messages_written INTEGER DEFAULT 0 NOT NULL, messages_received INTEGER DEFAULT 0 NOT NULL, 
	CONSTRAINT pk_people PRIMARY KEY (id)
);

CREATE TABLE sources (
	id INTEGER NOT NULL, 
	path TEXT NOT NULL, 
	imported_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL, clock VARCHAR(64), 
	CONSTRAINT pk_sources PRIMARY KEY (id), 
	CONSTRAINT uq_sources_path UNIQUE (path)
);

CREATE TABLE threads (
	id INTEGER NOT NULL, last_date_utc DATETIME, 
	CONSTRAINT pk_threads PRIMARY KEY (id)
);

CREATE TABLE aliases (
	id INTEGER NOT NULL, 
	person_id INTEGER NOT NULL, 
	kind VARCHAR(8) NOT NULL, 
	value VARCHAR(255) NOT NULL, 
	"key" VARCHAR(255) NOT NULL, 
	CONSTRAINT pk_aliases PRIMARY KEY (id), 
	CONSTRAINT fk_aliases_person_id_people FOREIGN KEY(person_id) REFERENCES people (id), 
	CONSTRAINT uq_aliases_kind UNIQUE (kind, "key")
);

CREATE TABLE messages (
	id INTEGER NOT NULL, 
	message_id VARCHAR(998) NOT NULL, 
	placeholder BOOLEAN DEFAULT 0 NOT NULL, 
	synthetic BOOLEAN DEFAULT 0 NOT NULL, 
	source_id INTEGER, 
	position INTEGER, 
	subject TEXT NOT NULL, 
	author_id INTEGER, 
	author_name TEXT, 
	author_email TEXT, 
	date_utc DATETIME, 
	utc_offset_minutes INTEGER, 
	body TEXT NOT NULL, 
	truncated BOOLEAN DEFAULT 0 NOT NULL, 
	in_reply_to VARCHAR(998), 
	parent_id INTEGER, 
	thread_id INTEGER, 
	series_version INTEGER, 
	series_index INTEGER, 
	series_total INTEGER, 
	series_inferred BOOLEAN DEFAULT 0 NOT NULL, date_rank INTEGER GENERATED ALWAYS AS (CASE WHEN date_utc IS NULL THEN (id & 268435455) ELSE (((min(max(coalesce(CAST(strftime('%s', date_utc) AS INTEGER), 0) + 2208988800, 0), 34359738366) + 1) << 28) | (id & 268435455)) END) VIRTUAL, 
	CONSTRAINT pk_messages PRIMARY KEY (id), 
	CONSTRAINT fk_messages_author_id_people FOREIGN KEY(author_id) REFERENCES people (id), 
	CONSTRAINT fk_messages_parent_id_messages FOREIGN KEY(parent_id) REFERENCES messages (id), 
	CONSTRAINT fk_messages_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id), 
	CONSTRAINT fk_messages_thread_id_threads FOREIGN KEY(thread_id) REFERENCES threads (id), 
	CONSTRAINT uq_messages_message_id UNIQUE (message_id)
);

CREATE TABLE inferences (
	id INTEGER NOT NULL, 
	message_id INTEGER NOT NULL, 
	field VARCHAR(16) NOT NULL, 
	value TEXT NOT NULL, 
	confidence FLOAT NOT NULL, 
	evidence JSON NOT NULL, 
	CONSTRAINT pk_inferences PRIMARY KEY (id), 
	CONSTRAINT fk_inferences_message_id_messages FOREIGN KEY(message_id) REFERENCES messages (id)
);

CREATE TABLE message_references (
	id INTEGER NOT NULL, 
	message_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	referenced_id VARCHAR(998) NOT NULL, 
	CONSTRAINT pk_message_references PRIMARY KEY (id), 
	CONSTRAINT fk_message_references_message_id_messages FOREIGN KEY(message_id) REFERENCES messages (id), 
	CONSTRAINT uq_message_references_message_id UNIQUE (message_id, position)
);

CREATE TABLE patches (
	id INTEGER NOT NULL, 
	message_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	diff TEXT NOT NULL, 
	truncated BOOLEAN DEFAULT 0 NOT NULL, 
	added INTEGER NOT NULL, 
	removed INTEGER NOT NULL, 
	subject_key TEXT NOT NULL, 
	files_key TEXT NOT NULL, 
	CONSTRAINT pk_patches PRIMARY KEY (id), 
	CONSTRAINT fk_patches_message_id_messages FOREIGN KEY(message_id) REFERENCES messages (id), 
	CONSTRAINT uq_patches_message_id UNIQUE (message_id, position)
);

CREATE TABLE recipients (
	id INTEGER NOT NULL, 
	message_id INTEGER NOT NULL, 
	kind VARCHAR(8) NOT NULL, 
	position INTEGER NOT NULL, 
	person_id INTEGER, 
	name VARCHAR(255) NOT NULL, 
	email VARCHAR(255) NOT NULL, 
	CONSTRAINT pk_recipients PRIMARY KEY (id), 
	CONSTRAINT fk_recipients_message_id_messages FOREIGN KEY(message_id) REFERENCES messages (id), 
	CONSTRAINT fk_recipients_person_id_people FOREIGN KEY(person_id) REFERENCES people (id)
);

CREATE TABLE trailers (
	id INTEGER NOT NULL, 
	message_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	"key" VARCHAR(255) NOT NULL, 
	value TEXT NOT NULL, 
	CONSTRAINT pk_trailers PRIMARY KEY (id), 
	CONSTRAINT fk_trailers_message_id_messages FOREIGN KEY(message_id) REFERENCES messages (id)
);

CREATE TABLE patch_revisions (
	id INTEGER NOT NULL, 
	earlier_id INTEGER NOT NULL, 
	later_id INTEGER NOT NULL, 
	reason VARCHAR(16) NOT NULL, 
	CONSTRAINT pk_patch_revisions PRIMARY KEY (id), 
	CONSTRAINT fk_patch_revisions_earlier_id_patches FOREIGN KEY(earlier_id) REFERENCES patches (id), 
	CONSTRAINT fk_patch_revisions_later_id_patches FOREIGN KEY(later_id) REFERENCES patches (id), 
	CONSTRAINT uq_patch_revisions_earlier_id UNIQUE (earlier_id, later_id)
);

CREATE TABLE patched_files (
	id INTEGER NOT NULL, 
	patch_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	path TEXT NOT NULL, 
	old_path TEXT, 
	added INTEGER NOT NULL, 
	removed INTEGER NOT NULL, 
	is_new BOOLEAN DEFAULT 0 NOT NULL, 
	is_deleted BOOLEAN DEFAULT 0 NOT NULL, 
	is_binary BOOLEAN DEFAULT 0 NOT NULL, 
	CONSTRAINT pk_patched_files PRIMARY KEY (id), 
	CONSTRAINT fk_patched_files_patch_id_patches FOREIGN KEY(patch_id) REFERENCES patches (id)
);

CREATE TABLE hunks (
	id INTEGER NOT NULL, 
	file_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	source_start INTEGER NOT NULL, 
	source_length INTEGER NOT NULL, 
	target_start INTEGER NOT NULL, 
	target_length INTEGER NOT NULL, 
	function VARCHAR(255) NOT NULL, 
	added INTEGER NOT NULL, 
	removed INTEGER NOT NULL, 
	CONSTRAINT pk_hunks PRIMARY KEY (id), 
	CONSTRAINT fk_hunks_file_id_patched_files FOREIGN KEY(file_id) REFERENCES patched_files (id)
);

CREATE VIRTUAL TABLE messages_subject_trigram USING fts5(subject, content='messages', content_rowid='id', tokenize='trigram');

CREATE TABLE decision_maps (
	id INTEGER NOT NULL, 
	anchor_id INTEGER NOT NULL, 
	title TEXT NOT NULL, 
	timezone VARCHAR(64), 
	source TEXT, 
	people JSON NOT NULL, 
	CONSTRAINT pk_decision_maps PRIMARY KEY (id), 
	CONSTRAINT fk_decision_maps_anchor_id_messages FOREIGN KEY(anchor_id) REFERENCES messages (id), 
	CONSTRAINT uq_decision_maps_anchor_id UNIQUE (anchor_id)
);

CREATE TABLE map_entries (
	id INTEGER NOT NULL, 
	map_id INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	slug VARCHAR(255) NOT NULL, 
	position INTEGER NOT NULL, 
	fields JSON NOT NULL, 
	recorded_by VARCHAR(255) NOT NULL, 
	recorded_at DATETIME NOT NULL, 
	CONSTRAINT pk_map_entries PRIMARY KEY (id), 
	CONSTRAINT fk_map_entries_map_id_decision_maps FOREIGN KEY(map_id) REFERENCES decision_maps (id), 
	CONSTRAINT uq_map_entries_map_id UNIQUE (map_id, slug)
);

CREATE TABLE map_quotes (
	id INTEGER NOT NULL, 
	entry_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	message_id INTEGER NOT NULL, 
	by_name VARCHAR(255) NOT NULL, 
	writer_name VARCHAR(255) NOT NULL, 
	text TEXT NOT NULL, 
	CONSTRAINT pk_map_quotes PRIMARY KEY (id), 
	CONSTRAINT fk_map_quotes_entry_id_map_entries FOREIGN KEY(entry_id) REFERENCES map_entries (id), 
	CONSTRAINT fk_map_quotes_message_id_messages FOREIGN KEY(message_id) REFERENCES messages (id)
);

CREATE TABLE map_changes (
	id INTEGER NOT NULL, 
	map_id INTEGER NOT NULL, 
	batch INTEGER NOT NULL, 
	action VARCHAR(255) NOT NULL, 
	slug VARCHAR(255) NOT NULL, 
	"before" JSON, 
	"after" JSON, 
	recorded_by VARCHAR(255) NOT NULL, 
	recorded_at DATETIME NOT NULL, 
	undone BOOLEAN DEFAULT 0 NOT NULL, 
	CONSTRAINT pk_map_changes PRIMARY KEY (id), 
	CONSTRAINT fk_map_changes_map_id_decision_maps FOREIGN KEY(map_id) REFERENCES decision_maps (id)
);

CREATE TABLE corrections (
	id INTEGER NOT NULL, 
	message_id INTEGER NOT NULL, 
	field VARCHAR(16) NOT NULL, 
	value TEXT NOT NULL, 
	replaced TEXT NOT NULL, 
	recorded_by VARCHAR(255) NOT NULL, 
	recorded_at DATETIME NOT NULL, 
	undone BOOLEAN DEFAULT 0 NOT NULL, 
	CONSTRAINT pk_corrections PRIMARY KEY (id), 
	CONSTRAINT fk_corrections_message_id_messages FOREIGN KEY(message_id) REFERENCES messages (id)
);

CREATE TABLE extract_candidates (
	id INTEGER NOT NULL, 
	message_id INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	"offset" INTEGER NOT NULL, 
	sentence TEXT NOT NULL, 
	score FLOAT NOT NULL, 
	origin VARCHAR(16) NOT NULL, 
	details JSON NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	entry_slug VARCHAR(255), 
	CONSTRAINT pk_extract_candidates PRIMARY KEY (id), 
	CONSTRAINT fk_extract_candidates_message_id_messages FOREIGN KEY(message_id) REFERENCES messages (id), 
	CONSTRAINT uq_extract_candidates_message_id UNIQUE (message_id, kind, "offset")
);

CREATE TABLE read_positions (
	id INTEGER NOT NULL, 
	source_id INTEGER NOT NULL, 
	"commit" VARCHAR(64) NOT NULL, 
	commits INTEGER NOT NULL, 
	CONSTRAINT pk_read_positions PRIMARY KEY (id), 
	CONSTRAINT fk_read_positions_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id), 
	CONSTRAINT uq_read_positions_source_id UNIQUE (source_id)
);

CREATE TABLE messages_fts_pause (paused INTEGER NOT NULL);

CREATE VIRTUAL TABLE messages_fts USING fts5(subject, body, content='messages', content_rowid='date_rank', tokenize='porter unicode61 remove_diacritics 2');

CREATE INDEX ix_aliases_key ON aliases ("key");

CREATE INDEX ix_aliases_person_id ON aliases (person_id);

CREATE INDEX ix_messages_date_utc ON messages (date_utc);

CREATE INDEX ix_messages_parent_id ON messages (parent_id);

CREATE INDEX ix_messages_source_id ON messages (source_id);

CREATE INDEX ix_messages_thread_id ON messages (thread_id);

CREATE INDEX ix_inferences_message_id ON inferences (message_id);

CREATE INDEX ix_message_references_referenced_id ON message_references (referenced_id);

CREATE INDEX ix_patches_files_key ON patches (files_key);

CREATE INDEX ix_patches_subject_key ON patches (subject_key);

CREATE INDEX ix_recipients_message_id ON recipients (message_id);

CREATE INDEX ix_trailers_message_id ON trailers (message_id);

CREATE INDEX ix_patch_revisions_later_id ON patch_revisions (later_id);

CREATE INDEX ix_patched_files_patch_id ON patched_files (patch_id);

CREATE INDEX ix_patched_files_path ON patched_files (path);

CREATE INDEX ix_hunks_file_id ON hunks (file_id);

CREATE INDEX ix_threads_last_date_utc ON threads (last_date_utc);

CREATE INDEX ix_map_quotes_entry_id ON map_quotes (entry_id);

CREATE INDEX ix_map_quotes_message_id ON map_quotes (message_id);

CREATE INDEX ix_map_changes_batch ON map_changes (batch);

CREATE INDEX ix_map_changes_map_id ON map_changes (map_id);

CREATE INDEX ix_corrections_message_id ON corrections (message_id);

CREATE UNIQUE INDEX ix_messages_date_rank ON messages (date_rank);

CREATE INDEX ix_messages_author_dates ON messages (author_id, placeholder, date_utc);

CREATE INDEX ix_recipients_person_messages ON recipients (person_id, message_id);

CREATE TRIGGER messages_subject_trigram_delete AFTER DELETE ON messages BEGIN INSERT INTO messages_subject_trigram(messages_subject_trigram, rowid, subject) VALUES ('delete', old.id, old.subject); END;

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN NOT EXISTS (SELECT 1 FROM messages_fts_pause) BEGIN INSERT INTO messages_fts(rowid, subject, body) VALUES (new.date_rank, new.subject, new.body); END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN INSERT INTO messages_fts(messages_fts, rowid, subject, body) VALUES ('delete', old.date_rank, old.subject, old.body); END;

CREATE TRIGGER messages_subject_trigram_insert AFTER INSERT ON messages WHEN NOT EXISTS (SELECT 1 FROM messages_fts_pause) BEGIN INSERT INTO messages_subject_trigram(rowid, subject) VALUES (new.id, new.subject); END;

CREATE TRIGGER people_written_insert AFTER INSERT ON messages BEGIN UPDATE people SET messages_written = messages_written + 1 WHERE id = new.author_id AND NOT new.placeholder; END;

CREATE TRIGGER people_written_delete AFTER DELETE ON messages BEGIN UPDATE people SET messages_written = messages_written - 1 WHERE id = old.author_id AND NOT old.placeholder; END;

CREATE TRIGGER people_written_update AFTER UPDATE OF author_id, placeholder ON messages BEGIN UPDATE people SET messages_written = messages_written - 1 WHERE id = old.author_id AND NOT old.placeholder; UPDATE people SET messages_written = messages_written + 1 WHERE id = new.author_id AND NOT new.placeholder; END;

CREATE TRIGGER people_received_insert AFTER INSERT ON recipients BEGIN UPDATE people SET messages_received = messages_received + 1 WHERE id = new.person_id AND NOT EXISTS (SELECT 1 FROM recipients AS r WHERE r.person_id = new.person_id AND r.message_id = new.message_id AND r.id <> new.id); END;

CREATE TRIGGER people_received_delete AFTER DELETE ON recipients BEGIN UPDATE people SET messages_received = messages_received - 1 WHERE id = old.person_id AND NOT EXISTS (SELECT 1 FROM recipients AS r WHERE r.person_id = old.person_id AND r.message_id = old.message_id AND r.id <> old.id); END;

CREATE TRIGGER people_received_update AFTER UPDATE OF person_id, message_id ON recipients WHEN old.person_id IS NOT new.person_id OR old.message_id IS NOT new.message_id BEGIN UPDATE people SET messages_received = messages_received - 1 WHERE id = old.person_id AND NOT EXISTS (SELECT 1 FROM recipients AS r WHERE r.person_id = old.person_id AND r.message_id = old.message_id AND r.id <> old.id); UPDATE people SET messages_received = messages_received + 1 WHERE id = new.person_id AND NOT EXISTS (SELECT 1 FROM recipients AS r WHERE r.person_id = new.person_id AND r.message_id = new.message_id AND r.id <> new.id); END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, body, date_utc ON messages WHEN NOT EXISTS (SELECT 1 FROM messages_fts_pause) BEGIN INSERT INTO messages_fts(messages_fts, rowid, subject, body) VALUES ('delete', old.date_rank, old.subject, old.body); INSERT INTO messages_fts(rowid, subject, body) VALUES (new.date_rank, new.subject, new.body); END;

CREATE TRIGGER messages_subject_trigram_update AFTER UPDATE OF subject ON messages WHEN NOT EXISTS (SELECT 1 FROM messages_fts_pause) BEGIN INSERT INTO messages_subject_trigram(messages_subject_trigram, rowid, subject) VALUES ('delete', old.id, old.subject); INSERT INTO messages_subject_trigram(rowid, subject) VALUES (new.id, new.subject); END;

INSERT INTO alembic_version (version_num) VALUES ('0015_redundant_indexes');
