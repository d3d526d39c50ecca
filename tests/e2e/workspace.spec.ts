import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from './support/fixtures';

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test('a damaged database is explained, kept aside, and a fresh workspace offered', async ({ page, studio, list }) => {
  const dbFile = path.join(studio.dataDir, 'studio.db');
  fs.writeFileSync(dbFile, crypto.randomBytes(8192));
  const before = sha(dbFile);

  await studio.start();
  await page.goto(studio.current!.openUrl);
  await expect(page.getByRole('heading', { name: '工作区数据库已损坏' })).toBeVisible();
  await expect(page.getByText(`损坏的文件：${dbFile}`)).toBeVisible();
  expect(sha(dbFile)).toBe(before);

  await page.getByRole('button', { name: '将损坏的文件移到一旁，并新建空白工作区' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已将损坏的数据库移至' })).toBeVisible();
  const aside = fs.readdirSync(studio.dataDir).filter((f) => /^studio\.db\.damaged-\d{8}T\d{6}Z$/.test(f));
  expect(aside).toHaveLength(1);
  expect(sha(path.join(studio.dataDir, aside[0]!))).toBe(before);

  await expect(page.getByRole('heading', { name: '还没有课程' })).toBeVisible();
  await list.newCourse.click();
  await expect(page.locator('[data-save-state="saved"]')).toBeVisible();
});

test('a database from a newer version is refused and left untouched', async ({ page, studio }) => {
  const dbFile = path.join(studio.dataDir, 'studio.db');
  const db = new Database(dbFile);
  db.exec('CREATE TABLE future (x INTEGER)');
  db.pragma('user_version = 999');
  db.close();
  const before = sha(dbFile);

  await studio.start();
  await page.goto(studio.current!.openUrl);
  await expect(page.getByRole('heading', { name: '此工作区来自更新版本的创作者工作台' })).toBeVisible();
  await expect(page.getByText('数据库版本为 999')).toBeVisible();
  expect(sha(dbFile)).toBe(before);
  expect(fs.readdirSync(studio.dataDir).filter((f) => f.startsWith('studio.db'))).toEqual(['studio.db']);
});
