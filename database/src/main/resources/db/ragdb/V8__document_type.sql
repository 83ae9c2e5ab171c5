-- Chat filters by document_type (the seed's metadata filter): uploads now record it in a
-- document's metadata, from the form (or JSON) field or else from the detected content type.
-- Documents uploaded before get the kind of their content type.
UPDATE documents SET metadata = metadata || jsonb_build_object('document_type', CASE content_type
        WHEN 'application/pdf' THEN 'pdf'
        WHEN 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' THEN 'docx'
        WHEN 'application/vnd.openxmlformats-officedocument.presentationml.presentation' THEN 'pptx'
        WHEN 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' THEN 'xlsx'
        WHEN 'application/x-tika-ooxml' THEN 'office'
        WHEN 'application/vnd.oasis.opendocument.text' THEN 'odt'
        WHEN 'application/rtf' THEN 'rtf'
        WHEN 'text/html' THEN 'html'
        WHEN 'application/xhtml+xml' THEN 'html'
        WHEN 'text/markdown' THEN 'markdown'
        WHEN 'text/x-web-markdown' THEN 'markdown'
        WHEN 'text/csv' THEN 'csv'
        WHEN 'message/rfc822' THEN 'email'
        WHEN 'application/epub+zip' THEN 'epub'
        ELSE 'text' END)
WHERE NOT metadata ? 'document_type';
