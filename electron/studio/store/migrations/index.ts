import { createCourses } from './0001-create-courses';
import { addMediaAndListIndexes } from './0002-add-media-and-list-indexes';
import { addCompliance } from './0003-add-compliance';
import { addCoverCrops } from './0004-add-cover-crops';
import { addCourseTypeDetails } from './0005-add-course-type-details';
import { addLessonBodies } from './0006-add-lesson-bodies';
import { addMediaLibrary } from './0007-add-media-library';
import { addSearchAndVersions } from './0008-add-search-and-versions';
import { addLessonBodyVersions } from './0009-add-lesson-body-versions';
import { addSync } from './0012-add-sync';
import { addFunnels } from './0010-add-funnels';
import { addCompanionCache } from './0011-add-companion-cache';
import { addPosters } from './0013-add-posters';
import type { Migration } from './types';

export type { Migration } from './types';

/** Every migration, in order. Explicit on purpose: no directory globbing, no surprises from a stray file. */
export const MIGRATIONS: readonly Migration[] = [createCourses, addMediaAndListIndexes, addCompliance, addCoverCrops, addCourseTypeDetails, addLessonBodies, addMediaLibrary, addSearchAndVersions, addLessonBodyVersions, addFunnels, addCompanionCache, addSync, addPosters];

export const LATEST_VERSION = MIGRATIONS.length;
