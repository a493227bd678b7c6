/** The document store pages, loaded as one chunk when the user opens them. */
export { DocumentStorePage } from '../DocumentStorePage';
export { DocumentStoresPage } from '../DocumentStoresPage';
