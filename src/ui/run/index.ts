/** The run view's pure parts: the run snapshot fold and the view models. */
export * from './run-snapshot';
export * from './view-models';
