import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationFlow, llmChainFlow } from '../fixtures/chatflows.js';
import { dataUri, docxBomb, makeDocx, makePdf } from '../fixtures/documents.js';
import { ragFlow } from '../fixtures/rag-flows.js';
import { FILE_OVERRIDES, textAndPdfFlow } from './retrieval.suite.js';
import type { RecordedRequest } from '../fixtures/fake-llm-server.js';
import { type ApiHarness, type HarnessFactory, createFlow } from '../support/api-harness.js';
import { streamedText } from '../support/sse.js';

/** A 1x1 PNG (a real image, so the bytes the model receives can be compared). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const pngDataUrl = `data:image/png;base64,${PNG.toString('base64')}`;
const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The code of an error body (the `error` field today; `code` once the fixes branch lands). */
const codeOf = (body: { code?: string; error?: string }) => body.code ?? body.error;

type Part = { type?: string; text?: string; image_url?: { url: string } };
type ChatMessage = { role: string; content: string | Part[] };

/** Small limits, so the size checks are reached with small test files. */
export const UPLOAD_SUITE_ENV = {
  UPLOAD_MAX_FILE_SIZE: '64kb',
  UPLOAD_MAX_REQUEST_SIZE: '100kb',
  UPLOAD_MAX_TEXT_SIZE: '32kb',
  UPLOAD_MAX_REQUEST_TEXT_SIZE: '48kb',
};

/**
 * Uploads in predictions and the embed's file routes, as Flowise clients use them; the same in both
 * modes (in queue mode the worker reads the stored files from the database).
 */
export function uploadsSuite(factory: HarnessFactory): void {
  describe('uploads', () => {
    let h: ApiHarness;
    beforeAll(async () => {
      h = await factory(UPLOAD_SUITE_ENV);
    });
    afterAll(async () => h?.close());

    const model = 'fake';
    const llmFlow = (extra: Partial<Parameters<typeof llmChainFlow>[0]> = {}) => (credential: string) =>
      llmChainFlow({ model, basepath: h.fake.url, credential, ...extra });

    /** The model call whose messages mention `marker`. */
    function modelCall(marker: string): ChatMessage[] {
      const found = [...h.fake.requests].reverse().find((r: RecordedRequest) => JSON.stringify(r.body.messages ?? '').includes(marker));
      if (!found) throw new Error(`no model call mentions ${marker}`);
      return found.body.messages as ChatMessage[];
    }

    async function postForm(path: string, fields: Record<string, string>, files: Array<{ name: string; type: string; data: Buffer | string }>) {
      const form = new FormData();
      for (const [key, value] of Object.entries(fields)) form.append(key, value);
      for (const file of files) form.append('files', new Blob([file.data], { type: file.type }), file.name);
      const response = await fetch(h.url + path, { method: 'POST', body: form });
      const text = await response.text();
      return { status: response.status, text, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
    }

    async function userMessage(chatflowId: string, chatId: string) {
      const messages = await h.admin.get(`/api/v1/chatmessage/${chatflowId}?chatId=${chatId}`);
      return (messages.body as Array<{ role: string; content: string; fileUploads?: unknown }>).find((m) => m.role === 'userMessage')!;
    }

    it('puts full-file text before the question and into {{file_attachment}}, and lists it on the user message', async () => {
      const id = await createFlow(h, llmFlow({ template: 'Files: {files}\nQ: {question}', promptValues: '{"files":"{{file_attachment}}","question":"{{question}}"}' }));
      const response = await h.anon.post(`/api/v1/prediction/${id}`, {
        question: 'what is in it? ff-1',
        chatId: 'ff-chat',
        uploads: [{ data: 'Otters hold hands.', type: 'file:full', name: 'otters.txt', mime: 'text/plain' }],
      });
      expect(response.status).toBe(200);
      const doc = "<doc name='otters.txt'>Otters hold hands.</doc>\n\n";
      const sent = modelCall('ff-1').at(-1)!.content as string;
      // {{file_attachment}} holds the blocks and {{question}} the question alone; no variable is left for the input.
      expect(sent).toBe(`Files: ${doc}\nQ: what is in it? ff-1`);
      const stored = await userMessage(id, 'ff-chat');
      expect(stored.content).toBe('what is in it? ff-1');
      expect(stored.fileUploads).toEqual([{ type: 'stored-file:full', name: 'otters.txt', mime: 'text/plain' }]);
    });

    it('gives the ending chain `<files>\\n\\n<question>` as its input', async () => {
      const id = await createFlow(h, llmFlow({ template: 'Answer: {question}', promptValues: '' }));
      const response = await h.anon.post(`/api/v1/prediction/${id}`, {
        question: 'ff-2 summary please',
        uploads: [
          { data: 'alpha', type: 'file:full', name: 'a.txt', mime: 'text/plain' },
          { data: 'beta', type: 'file:full', name: 'b.md', mime: 'text/markdown' },
        ],
      });
      expect(response.status).toBe(200);
      const sent = modelCall('ff-2').at(-1)!.content as string;
      expect(sent).toBe("Answer: <doc name='a.txt'>alpha</doc>\n\n<doc name='b.md'>beta</doc>\n\n\n\nff-2 summary please");
      expect(response.body.question).toBe('ff-2 summary please');
    });

    it('sends an uploaded image to a model that allows image uploads, and serves the stored file', async () => {
      const id = await createFlow(h, llmFlow({ allowImageUploads: true, template: '{question}', promptValues: '' }));
      const config = await h.anon.get(`/api/v1/public-chatbotConfig/${id}`);
      expect(config.body.uploads).toMatchObject({ isImageUploadAllowed: true, imgUploadSizeAndTypes: [{ fileTypes: expect.arrayContaining(['image/png']) }] });
      const response = await h.anon.stream('POST', `/api/v1/prediction/${id}`, {
        question: 'img-1 what is this?',
        chatId: 'img-chat',
        streaming: true,
        uploads: [{ data: pngDataUrl, type: 'file', name: 'dot.png', mime: 'image/png' }],
      });
      expect(response.status).toBe(200);
      expect(streamedText(response.events)).toBe('You said: img-1 what is this?');
      const last = modelCall('img-1').at(-1)!;
      // Flowise's LLMChain: the images, then the prompt's text, in the human message.
      expect(last.content).toEqual([
        { type: 'image_url', image_url: expect.objectContaining({ url: pngDataUrl }) },
        { type: 'text', text: 'img-1 what is this?' },
      ]);
      expect((await userMessage(id, 'img-chat')).fileUploads).toEqual([{ type: 'stored-file', name: 'dot.png', mime: 'image/png' }]);

      const file = await fetch(`${h.url}/api/v1/get-upload-file?chatflowId=${id}&chatId=img-chat&fileName=dot.png`);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
      const missing = await h.anon.get(`/api/v1/get-upload-file?chatflowId=${id}&chatId=other-chat&fileName=dot.png`);
      expect(missing.status).toBe(404);
      expect((await h.anon.get(`/api/v1/get-upload-file?chatflowId=${id}&chatId=../x&fileName=dot.png`)).status).toBe(400);
    });

    it('passes image URLs through, and gives OpenAI the images of a conversation as their own message', async () => {
      const id = await createFlow(h, (credential) => conversationFlow({ model, basepath: h.fake.url, credential, allowImageUploads: true }));
      const response = await h.anon.post(`/api/v1/prediction/${id}`, {
        question: 'img-2 compare',
        uploads: [
          { data: pngDataUrl, type: 'file', name: 'one.png', mime: 'image/png' },
          { data: 'https://images.example/two.jpg', type: 'url', name: 'two.jpg', mime: 'image/jpeg' },
        ],
      });
      expect(response.status).toBe(200);
      const messages = modelCall('img-2');
      expect(messages.at(-2)).toEqual({ role: 'user', content: 'img-2 compare' });
      expect(messages.at(-1)!.content).toEqual([
        { type: 'image_url', image_url: expect.objectContaining({ url: pngDataUrl }) },
        { type: 'image_url', image_url: expect.objectContaining({ url: 'https://images.example/two.jpg' }) },
      ]);
    });

    it('refuses what it cannot use with a 4xx naming the file, and stores nothing then', async () => {
      const plain = await createFlow(h, llmFlow());
      const refuse = async (uploads: unknown[], status: number, code: string, message: RegExp) => {
        const response = await h.anon.post(`/api/v1/prediction/${plain}`, { question: 'refused', chatId: 'refused-chat', uploads });
        expect(response.status).toBe(status);
        expect(codeOf(response.body)).toBe(code);
        expect(response.body.message).toMatch(message);
      };
      await refuse([{ data: pngDataUrl, type: 'file', name: 'cat.png', mime: 'image/png' }], 400, 'INVALID_UPLOAD', /uploads\[0\] "cat\.png".*takes no images/);
      await refuse([{ data: 'not a data url', type: 'file', name: 'x.png' }], 400, 'INVALID_UPLOAD', /"x\.png".*not a base64 data URL/);
      await refuse([{ data: `data:text/plain;base64,${Buffer.from('#!/bin/sh').toString('base64')}`, type: 'file:rag', name: 'run.sh' }], 415, 'UNSUPPORTED_FILE_TYPE', /"run\.sh" \(uploads\[0\]\).*does not match|"run\.sh".*unsupported/);
      await refuse([{ data: 'data:audio/webm;base64,AAAA', type: 'audio', name: 'voice.webm' }], 415, 'UNSUPPORTED_FILE_TYPE', /"voice\.webm".*speech to text/);
      await refuse([{ data: 'x', type: 'video', name: 'v.mp4' }], 400, 'INVALID_UPLOAD', /"v\.mp4".*type must be one of/);
      const big = `data:text/plain;base64,${Buffer.alloc(70 * 1024, 97).toString('base64')}`;
      await refuse([{ data: big, type: 'file:rag', name: 'big.txt' }], 413, 'UPLOAD_TOO_LARGE', /"big\.txt".*UPLOAD_MAX_FILE_SIZE/);
      const half = `data:text/plain;base64,${Buffer.alloc(60 * 1024, 97).toString('base64')}`;
      await refuse(
        [
          { data: half, type: 'file:rag', name: 'one.txt' },
          { data: half, type: 'file:rag', name: 'two.txt' },
        ],
        413,
        'UPLOAD_TOO_LARGE',
        /"two\.txt".*UPLOAD_MAX_REQUEST_SIZE/,
      );
      expect(await h.repos.uploads.list({ chatflowId: plain })).toEqual([]);
      // A file:rag document is kept for the chat and listed.
      const kept = await h.anon.post(`/api/v1/prediction/${plain}`, {
        question: 'rag doc',
        chatId: 'rag-chat',
        uploads: [{ data: `data:text/plain;base64,${Buffer.from('notes').toString('base64')}`, type: 'file:rag', name: 'notes.txt', mime: 'text/plain' }],
      });
      expect(kept.status).toBe(200);
      expect((await userMessage(plain, 'rag-chat')).fileUploads).toEqual([{ type: 'stored-file', name: 'notes.txt', mime: 'text/plain' }]);
    });

    it('answers attachments with the extracted text of text, PDF, DOCX, CSV and JSON files', async () => {
      const types = ['text/plain', 'application/pdf', DOCX_MIME, 'text/csv', 'application/json'].join(',');
      const id = await createFlow(h, llmFlow({ template: '{question}', promptValues: '' }), {
        chatbotConfig: JSON.stringify({ fullFileUpload: { status: true, allowedUploadFileTypes: types } }),
      });
      const pdf = makePdf(['Page one is about rivers.', 'Page two is about lakes.']);
      const docx = await makeDocx(['Memo about ponds.']);
      const response = await postForm(`/api/v1/attachments/${id}/att-chat`, { chatId: 'att-chat' }, [
        { name: 'plain.txt', type: 'text/plain', data: 'Just text.' },
        { name: 'water.pdf', type: 'application/pdf', data: pdf },
        { name: 'memo.docx', type: DOCX_MIME, data: docx },
        { name: 'table.csv', type: 'text/csv', data: 'lake,depth\nBaikal,1642\n' },
        { name: 'facts.json', type: 'application/json', data: '{"fact":"Water is wet"}' },
      ]);
      expect(response.status).toBe(200);
      expect(response.body).toEqual([
        { name: 'plain.txt', mimeType: 'text/plain', size: 10, content: 'Just text.' },
        { name: 'water.pdf', mimeType: 'application/pdf', size: pdf.length, content: 'Page one is about rivers.\nPage two is about lakes.' },
        { name: 'memo.docx', mimeType: DOCX_MIME, size: docx.length, content: expect.stringContaining('Memo about ponds.') },
        { name: 'table.csv', mimeType: 'text/csv', size: 23, content: 'lake: Baikal\ndepth: 1642' },
        { name: 'facts.json', mimeType: 'application/json', size: 23, content: 'Water is wet' },
      ]);
      // The files are kept for the chat, like Flowise's storage, and served back.
      const served = await fetch(`${h.url}/api/v1/get-upload-file?chatflowId=${id}&chatId=att-chat&fileName=water.pdf`);
      expect(Buffer.from(await served.arrayBuffer()).equals(pdf)).toBe(true);

      // What the embed does next: the content as a file:full upload.
      const answer = await h.anon.post(`/api/v1/prediction/${id}`, {
        question: 'att-3 which lake?',
        chatId: 'att-chat',
        uploads: [{ data: response.body[3].content, type: 'file:full', name: 'table.csv', mime: 'text/csv' }],
      });
      expect(answer.status).toBe(200);
      expect(modelCall('att-3').at(-1)!.content).toContain("<doc name='table.csv'>lake: Baikal\ndepth: 1642</doc>");
    });

    it('refuses attachments when full-file uploads are off or the type is not allowed', async () => {
      const off = await createFlow(h, llmFlow());
      const refused = await postForm(`/api/v1/attachments/${off}/c1`, {}, [{ name: 'a.txt', type: 'text/plain', data: 'x' }]);
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/not enabled/);
      const pdfOnly = await createFlow(h, llmFlow(), { chatbotConfig: JSON.stringify({ fullFileUpload: { status: true, allowedUploadFileTypes: 'application/pdf' } }) });
      const wrongType = await postForm(`/api/v1/attachments/${pdfOnly}/c1`, {}, [{ name: 'a.txt', type: 'text/plain', data: 'x' }]);
      expect(wrongType.status).toBe(415);
      expect(wrongType.body.message).toMatch(/"a\.txt".*text\/plain is not allowed for full-file uploads; allowed: application\/pdf/);
      const spoofed = await postForm(`/api/v1/attachments/${pdfOnly}/c1`, {}, [{ name: 'evil.js', type: 'application/pdf', data: 'x' }]);
      expect(spoofed.status).toBe(415);
      expect(spoofed.body.message).toMatch(/"evil\.js".*extension \.js does not match/);
      const broken = await postForm(`/api/v1/attachments/${pdfOnly}/c1`, {}, [{ name: 'broken.pdf', type: 'application/pdf', data: 'not a pdf' }]);
      expect(broken.status).toBe(400);
      expect(broken.body.message).toMatch(/"broken\.pdf".*not a readable PDF/);
      const tooBig = await postForm(`/api/v1/attachments/${pdfOnly}/c1`, {}, [{ name: 'big.pdf', type: 'application/pdf', data: Buffer.alloc(70 * 1024) }]);
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.message).toMatch(/"big\.pdf".*UPLOAD_MAX_FILE_SIZE/);
      expect((await postForm('/api/v1/attachments/no-such-flow/c1', {}, [])).status).toBe(404);
      expect(await h.repos.uploads.list({ chatflowId: pdfOnly })).toEqual([]);
    });

    it('bounds the text extracted from files: a DOCX bomb and too much text get 413 naming the file, and nothing is stored', async () => {
      const types = ['text/plain', DOCX_MIME].join(',');
      const id = await createFlow(h, llmFlow(), { chatbotConfig: JSON.stringify({ fullFileUpload: { status: true, allowedUploadFileTypes: types } }) });
      // Within UPLOAD_MAX_FILE_SIZE, but its XML unpacks to megabytes (the tester's 953 KB file took 27 s and 1.6 GB).
      const bomb = await docxBomb(40000);
      expect(bomb.length).toBeLessThan(64 * 1024);
      const refused = await postForm(`/api/v1/attachments/${id}/bomb-chat`, {}, [{ name: 'bomb.docx', type: DOCX_MIME, data: bomb }]);
      expect(refused.status).toBe(413);
      expect(codeOf(refused.body)).toBe('UPLOAD_TOO_LARGE');
      expect(refused.body.message).toMatch(/"bomb\.docx".*unpacks to .*decompression bomb/);
      const long = await postForm(`/api/v1/attachments/${id}/bomb-chat`, {}, [{ name: 'long.txt', type: 'text/plain', data: 'a'.repeat(40 * 1024) }]);
      expect(long.status).toBe(413);
      expect(long.body.message).toMatch(/"long\.txt".*40960 characters.*UPLOAD_MAX_TEXT_SIZE/);
      const third = 'b'.repeat(30 * 1024);
      const both = await postForm(`/api/v1/attachments/${id}/bomb-chat`, {}, [
        { name: 'one.txt', type: 'text/plain', data: third },
        { name: 'two.txt', type: 'text/plain', data: third },
      ]);
      expect(both.status).toBe(413);
      expect(both.body.message).toMatch(/"two\.txt".*UPLOAD_MAX_REQUEST_TEXT_SIZE/);
      // The same extraction for multipart prediction files read as full files.
      const form = await postForm(`/api/v1/prediction/${id}`, { question: 'bomb?' }, [{ name: 'bomb.docx', type: DOCX_MIME, data: bomb }]);
      expect(form.status).toBe(413);
      expect(form.body.message).toMatch(/"bomb\.docx".*decompression bomb/);
      expect(await h.repos.uploads.list({ chatflowId: id })).toEqual([]);
    });

    it('applies the file limits to data URIs in overrideConfig and to file:full text, and keeps names, not bytes, in the job row', async () => {
      const rag = await createFlow(h, (credential) => textAndPdfFlow(h, credential), { apiConfig: FILE_OVERRIDES });
      const big = dataUri('big.txt', 'text/plain', 'a'.repeat(70 * 1024));
      const upsert = await h.admin.post(`/api/v1/vector/upsert/${rag}`, { overrideConfig: { txtFile: big } });
      expect(upsert.status).toBe(413);
      expect(upsert.body.message).toMatch(/"big\.txt".*UPLOAD_MAX_FILE_SIZE/);
      // Per node id, and counted together against the request's limit.
      const half = dataUri('half.txt', 'text/plain', 'b'.repeat(60 * 1024));
      const perNode = await h.admin.post(`/api/v1/vector/upsert/${rag}?async=1`, { overrideConfig: { txtFile: { textFile_0: half }, pdfFile: half.replace('half.txt', 'other.txt') } });
      expect(perNode.status).toBe(413);
      expect(perNode.body.message).toMatch(/"other\.txt".*UPLOAD_MAX_REQUEST_SIZE/);
      const predicted = await h.anon.post(`/api/v1/prediction/${rag}`, { question: 'inline big', overrideConfig: { txtFile: big } });
      expect(predicted.status).toBe(413);
      expect(predicted.body.message).toMatch(/"big\.txt".*UPLOAD_MAX_FILE_SIZE/);
      const plain = await createFlow(h, llmFlow());
      const fullText = await h.anon.post(`/api/v1/prediction/${plain}`, {
        question: 'full big',
        uploads: [{ data: 'c'.repeat(40 * 1024), type: 'file:full', name: 'long.txt', mime: 'text/plain' }],
      });
      expect(fullText.status).toBe(413);
      expect(fullText.body.message).toMatch(/uploads\[0\] "long\.txt".*UPLOAD_MAX_TEXT_SIZE/);
      expect(await h.repos.uploads.list({ chatflowId: rag })).toEqual([]);

      // `?async=1` is accepted like `true`; the job row holds the stored file's name, not its contents.
      const small = await h.admin.post(`/api/v1/vector/upsert/${rag}?async=1`, { overrideConfig: { txtFile: dataUri('small.txt', 'text/plain', 'Small inline file.') } });
      expect(small.status).toBe(202);
      const job = await h.repos.upserts.get(small.body.id);
      expect(job?.input).toEqual({ overrideConfig: { txtFile: 'FILE-STORAGE::["small.txt"]' } });
      expect((await h.repos.uploads.list({ chatflowId: rag })).map((f) => f.name)).toContain('small.txt');
    });

    it('takes multipart prediction files: images to the model, documents as full files, the rest refused', async () => {
      const vision = await createFlow(h, llmFlow({ allowImageUploads: true, template: '{question}', promptValues: '' }));
      const image = await postForm(`/api/v1/prediction/${vision}`, { question: 'mp-1 look', chatId: 'mp-chat' }, [{ name: 'dot.png', type: 'image/png', data: PNG }]);
      expect(image.status).toBe(200);
      expect(modelCall('mp-1').at(-1)!.content).toEqual([
        { type: 'image_url', image_url: expect.objectContaining({ url: pngDataUrl }) },
        { type: 'text', text: 'mp-1 look' },
      ]);

      const fullFiles = await createFlow(h, llmFlow({ template: '{question}', promptValues: '' }), {
        chatbotConfig: JSON.stringify({ fullFileUpload: { status: true, allowedUploadFileTypes: 'application/pdf,text/plain' } }),
      });
      const pdf = makePdf(['Herons eat fish.']);
      const doc = await postForm(`/api/v1/prediction/${fullFiles}`, { question: 'mp-2 what do herons eat?', chatId: 'mp-chat-2' }, [
        { name: 'herons.pdf', type: 'application/pdf', data: pdf },
      ]);
      expect(doc.status).toBe(200);
      expect(modelCall('mp-2').at(-1)!.content).toBe("<doc name='herons.pdf'>Herons eat fish.</doc>\n\n\n\nmp-2 what do herons eat?");
      expect((await userMessage(fullFiles, 'mp-chat-2')).fileUploads).toEqual([{ type: 'stored-file:full', name: 'herons.pdf', mime: 'application/pdf' }]);

      // Flowise's rule first: a file goes onto a loader input enabled for override, by extension.
      const apiConfig = JSON.stringify({ overrideConfig: { status: true, nodes: { 'Text File': [{ name: 'txtFile', enabled: true }] } } });
      const rag = await createFlow(
        h,
        (credential) => ragFlow({ model, basepath: h.fake.url, embeddingsBasepath: h.fake.url, credential, store: 'memoryVectorStore', topK: '1' }),
        { apiConfig },
      );
      const asked = await postForm(`/api/v1/prediction/${rag}`, { question: 'mp-3 when do ferries leave?', chatId: 'mp-chat-3' }, [
        { name: 'ferries.txt', type: 'text/plain', data: 'Ferries leave the harbour every hour.' },
      ]);
      expect(asked.status, asked.text).toBe(200);
      expect(asked.body.sourceDocuments).toEqual([{ pageContent: 'Ferries leave the harbour every hour.', metadata: expect.objectContaining({ source: 'ferries.txt' }) }]);
      expect((await h.repos.uploads.list({ chatflowId: rag })).map((u) => [u.name, u.chatId])).toEqual([['ferries.txt', null]]);

      const plain = await createFlow(h, llmFlow());
      const unused = await postForm(`/api/v1/prediction/${plain}`, { question: 'nothing' }, [{ name: 'a.txt', type: 'text/plain', data: 'x' }]);
      expect(unused.status).toBe(400);
      expect(unused.body.message).toMatch(/"a\.txt" \(files\) has no use in this chatflow/);
      const tooBig = await postForm(`/api/v1/prediction/${vision}`, { question: 'big' }, [{ name: 'big.png', type: 'image/png', data: Buffer.alloc(70 * 1024) }]);
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.message).toMatch(/"big\.png".*UPLOAD_MAX_FILE_SIZE/);
    });
  });
}
