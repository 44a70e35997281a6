// Validates an A11yJSON export (a GeoJSON FeatureCollection of PlaceInfo features) against the
// SimpleSchema definitions shipped in @sozialhelden/a11yjson. Usage:
//   node validate_a11yjson.cjs <node_modules dir> <export file>
// Prints one line per invalid feature and exits 1 if any; exits 0 when every feature is valid.
const path = require('path');
const fs = require('fs');
const modules = process.argv[2];
const a11yjson = require(path.join(modules, '@sozialhelden/a11yjson/dist/cjs/index.js'));
const SimpleSchema = require(path.join(modules, '@sozialhelden/simpl-schema')).default;

const schema = new SimpleSchema(a11yjson.getPlaceInfoSchemaDefinition(), {
  humanizeAutoLabels: false,
});
const collection = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
if (collection.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
  console.log('not a FeatureCollection');
  process.exit(1);
}
let invalid = 0;
collection.features.forEach((feature, index) => {
  if (feature.type !== 'Feature') {
    console.log(`feature ${index}: type is not Feature`);
    invalid += 1;
    return;
  }
  const { type, ...placeInfo } = feature;
  const context = schema.newContext();
  context.validate(placeInfo);
  if (!context.isValid()) {
    invalid += 1;
    console.log(`feature ${index}: ${JSON.stringify(context.validationErrors())}`);
  }
});
console.log(`${collection.features.length} features, ${invalid} invalid`);
process.exit(invalid ? 1 : 0);
