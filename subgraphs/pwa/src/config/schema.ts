import gql from 'graphql-tag';

export const configTypeDefs = gql`
  type Business @key(fields: "id") {
    id: ID!
    "The business's branded app; null until a manager configures it. Public like the business's profile."
    pwa: PwaConfig
  }

  enum PwaLayoutStyle {
    CARDS
    LIST
    COMPACT
  }

  "Colours of visit states in the app, as #rrggbb."
  type PwaStatusColors {
    waiting: String!
    called: String!
    serving: String!
    done: String!
    cancelled: String!
  }

  type PwaTypography {
    "A CSS font-family list, e.g. Inter, system-ui, sans-serif."
    fontFamily: String!
    "Base font size in CSS pixels (12 to 24)."
    baseSize: Int!
    "100 to 900."
    headingWeight: Int!
  }

  "What the app offers its users."
  type PwaFeatures {
    joinQueue: Boolean!
    appointments: Boolean!
    visitHistory: Boolean!
    notifications: Boolean!
    offline: Boolean!
  }

  type PwaPushSettings {
    "Reminder before an appointment; null sends none."
    reminderMinutesBefore: Int
    "HH:MM in the business's time zone; no notifications between start and end."
    quietHoursStart: String
    quietHoursEnd: String
  }

  "The branded app of one business."
  type PwaConfig {
    id: ID!
    businessId: ID!
    appName: String!
    "At most 12 characters (shown under the home-screen icon)."
    shortName: String!
    description: String
    themeColor: String!
    backgroundColor: String!
    accentColor: String!
    statusColors: PwaStatusColors!
    typography: PwaTypography!
    layoutStyle: PwaLayoutStyle!
    logoUrl: String
    iconUrl: String
    welcomeMessage: String
    contactEmail: String
    contactPhone: String
    privacyUrl: String
    termsUrl: String
    features: PwaFeatures!
    "BCP 47 tags, e.g. en, de, ar."
    languages: [String!]!
    defaultLanguage: String!
    rightToLeft: Boolean!
    push: PwaPushSettings!
    updatedAt: DateTime!
    "The newest published build; null before the first publish."
    latestBuild: PwaBuild
    "The newest builds first, of any status (staff of the business only)."
    builds(first: Int = 10): [PwaBuild!]!
  }

  input PwaStatusColorsInput {
    waiting: String
    called: String
    serving: String
    done: String
    cancelled: String
  }

  input PwaTypographyInput {
    fontFamily: String
    baseSize: Int
    headingWeight: Int
  }

  input PwaFeaturesInput {
    joinQueue: Boolean
    appointments: Boolean
    visitHistory: Boolean
    notifications: Boolean
    offline: Boolean
  }

  input PwaPushSettingsInput {
    reminderMinutesBefore: Int
    quietHoursStart: String
    quietHoursEnd: String
  }

  """
  Only the fields sent change. Nested inputs change key by key, and null resets a key to its
  default; null clears an optional top-level field. Colours are #rrggbb.
  """
  input UpdatePwaConfigInput {
    businessId: ID!
    appName: String
    shortName: String
    description: String
    themeColor: String
    backgroundColor: String
    accentColor: String
    statusColors: PwaStatusColorsInput
    typography: PwaTypographyInput
    layoutStyle: PwaLayoutStyle
    logoUrl: String
    iconUrl: String
    welcomeMessage: String
    contactEmail: String
    contactPhone: String
    privacyUrl: String
    termsUrl: String
    features: PwaFeaturesInput
    languages: [String!]
    "Must be one of languages."
    defaultLanguage: String
    rightToLeft: Boolean
    push: PwaPushSettingsInput
  }

  extend type Mutation {
    "MANAGER or higher. Creates the configuration on the first call, starting from the business's name."
    updatePwaConfig(input: UpdatePwaConfigInput!): PwaConfig!
  }
`;
